# Svenska (lättläst): the text that counts. Every other language has the same messages.
# Format and rules: docs/languages.md.

## About the language

language_name = Svenska
# reviewed: checked by a native speaker; preliminary: have a native speaker review.
translation_status = reviewed

## Screens

loading = Vänta lite.
start_heading = Hej! Nu är det dags att svara
start_intake = Det här är första gången du svarar.
start_follow_up = Nu svarar du igen. Det är uppföljning { $n }.
start_exit = Ditt stöd slutar. Det här är sista gången du svarar.
start_count = Det är { $total } frågor. Det tar några minuter.
no_right_answers = Svara som du tycker. Alla svar är bra.
answer_until = Sista dagen att svara är { $date }.
resume_count = Du har svarat på { $answered } av { $total } frågor.
begin = Börja
resume = Svara mer
nothing_due_heading = Du är klar för nu
next_from = Nästa gång kan du svara från { $date }.
occasion_intake = start
occasion_follow_up = uppföljning { $n }
occasion_exit = slut
progress = Fråga { $step } av { $total }
back = Bakåt
next = Nästa
choose_answer = Välj ett svar.
decline = Vill inte svara
listen = Lyssna
review_heading = Dina svar
review_intro = Titta på dina svar. Du kan ändra ett svar innan du skickar.
change_answer = Ändra svar på fråga { $n }
no_answer_yet = Väntar på ditt svar
send = Skicka svaren
answer_all_first = Svara på alla frågor först. Du kan välja Vill inte svara.
keep_answering = Svara mer
not_sent_heading = Skicka dina svar först
thanks_heading = Tack för dina svar!
thanks_received = Vi har fått dina svar.
thanks_next = Du och din handläggare kan titta på svaren ihop.
thanks_next_date = Nästa gång du kan svara är { $date }.
settings = Språk, bilder och text
language = Språk
pictures = Bilder
pictures_on = Med bilder
pictures_off = Bara text
text_size = Hur stor text?
size_normal = Vanlig
size_large = Stor
size_larger = Störst
save = Spara
skip_to_content = Gå förbi menyn
code_heading = Skriv din kod
code_help = Du har fått en lapp med en kod. Skriv koden som den står på lappen.
code_label = Kod
go_on = Gå vidare
pin_new_heading = Välj en pinkod
pin_new_help = Välj 4 till 6 siffror. Du ska skriva dem nästa gång.
pin_label = Pinkod
pin_repeat_label = Skriv samma pinkod igen
pin_heading = Skriv din pinkod
pin_help = Det är pinkoden du valde själv.
new_code_link = Jag har fått en ny kod
signed_in_heading = Du är inne
start_answering = Börja svara
leave = Logga ut
assisted_banner = Ni svarar tillsammans. Det är du som väljer svaren.
journey_heading = Min resa
journey_intro = Här ser du hur det har gått för dig.
journey_link = Se min resa
journey_nothing = Här ser du din resa när du har svarat.
journey_star_title = Start och nu
journey_outward = Längre till höger är bättre.
journey_table = Visa som tabell
journey_start = Start
journey_before = Förra gången
journey_now = Nu
journey_legend_first = brun ring
journey_legend_previous = grå toppar, tunn linje
journey_legend_latest = blå ruta
journey_better = Det har blivit bättre.
journey_same = Det är som förut.
journey_worse = Det har blivit sämre.
journey_declined_only = Du valde ”Vill inte svara”.
journey_later = Du får den här frågan senare.
chart_change = { $name }: från { $from } till { $to } av { $of } ({ $from_label } → { $to_label }).
chart_one = { $name }: { $level } av { $of } ({ $label }).
outbox_waiting = Dina svar finns i telefonen. Vi får dem när du har internet.
outbox_sending = Vi tar emot dina svar nu.
outbox_sent = Klart! Vi har fått dina svar.
outbox_sign_in = Skriv din pinkod igen. Sedan får vi dina svar.
outbox_stuck_heading = Något gick fel med svaren
outbox_stuck_body = Dina svar finns kvar i telefonen.
outbox_stuck_help = Visa den här sidan för din handläggare.
outbox_stuck_code = Koden är { $code }.
offline_heading = Du är utan internet nu
offline_body = Öppna Stegvis när du har internet. Då kan du svara.
new_version = Det finns en ny Stegvis.
update_now = Hämta den nya
leave_waiting = Dina svar finns kvar i telefonen tills vi har fått dem.
answers_heading = Mina svar
answers_intro = Här ser du alla svar du har skickat.
answers_nothing = Här ser du dina svar när du har skickat dem.
answers_from = Dina svar från { $date }
answers_question = Fråga
answers_answer = Ditt svar
answers_print = Skriv ut
answers_save_heading = Spara dina svar
answers_save_help = Du kan spara en fil med dina svar.
answers_save_csv = Spara som tabell (CSV)
answers_save_json = Spara som fil för datorer (JSON)
answers_link = Se mina svar
answers_back = Till start
statement_heading = Hur lätt är Stegvis att använda?

## The printed access sheet ("Så svarar du i mobilen"), printed by the case manager in the participant's language

sheet_heading = Så svarar du i mobilen
sheet_steps =
    Öppna kameran i mobilen.
    Rikta den mot rutan här under.
    Tryck på länken som kommer upp.
sheet_qr_label = QR-kod med länk till Stegvis
sheet_or_type = Eller skriv den här adressen:
sheet_your_code = Din kod:
sheet_then_pin = Sedan väljer du en pinkod. Den ska bara du veta.
sheet_valid_until = Koden fungerar till { $date }.

## Counted answers in Min resa: $n is how many times
journey_answered = { $n ->
    [one] Du har svarat en gång.
   *[other] Du har svarat { $n } gånger.
}
journey_declined = { $n ->
    [one] En gång valde du ”Vill inte svara”.
   *[other] { $n } gånger valde du ”Vill inte svara”.
}

## Dates: $day, $month (1-12), $year
date_this_year = { $day } { $month ->
    [1] januari
    [2] februari
    [3] mars
    [4] april
    [5] maj
    [6] juni
    [7] juli
    [8] augusti
    [9] september
    [10] oktober
    [11] november
   *[12] december
}
date_other_year = { $day } { $month ->
    [1] januari
    [2] februari
    [3] mars
    [4] april
    [5] maj
    [6] juni
    [7] juli
    [8] augusti
    [9] september
    [10] oktober
    [11] november
   *[12] december
} { $year }

## The accessibility statement (/tillganglighet); one paragraph or list entry per line
statement_intro =
    Alla ska kunna använda Stegvis.
    Här står vad som fungerar bra och vad som är svårt än.
    Här står också hur du säger till om något är svårt.
statement_works_heading = Det här fungerar
statement_works =
    Du kan välja språk: { $languages }.
    Du kan välja stor text och bilder vid svaren.
    Knappen Lyssna läser frågan högt.
    Du kan använda bara tangenter. Du kan använda en skärmläsare.
    Sidorna för deltagare fungerar på små telefoner och med stor text.
    Du kan svara utan internet. Vi får svaren när du har internet igen.
statement_gaps_heading = Det här är svårt än
statement_gaps =
    Lyssna behöver en röst i telefonen för ditt språk. En del telefoner saknar den.
    Bilderna i Min resa kan vara svåra att läsa. Välj Visa som tabell. Då ser du samma sak som text.
    Filer med svar (CSV och JSON) är tabeller. De kan vara svåra att läsa.
    Sidorna för personal finns bara på svenska.
statement_report_heading = Säg till om något är svårt
statement_report_contact = Kontakta oss: { $contact }
statement_report_default = Berätta för din handläggare. Handläggaren ser till att vi får veta.
statement_report_supervisor = Du kan också kontakta Digg. Digg är en del av staten. Digg ser till att lagen följs.
statement_supervisor_link = Till Diggs webbplats
statement_about_heading = Om lagen
statement_about =
    Det finns en lag om digital offentlig service. Lagen kallas DOS-lagen.
    Stegvis följer lagen till stor del. Det som är svårt än står ovanför.
    Vi testar Stegvis med tangenter, skärmläsare och med verktyg. Vi testar på telefon och dator.
    Vi skrev den här texten i december 2026.

## Messages when something is wrong (an error may say "inte": it says what is wrong)

error_heading = Något gick fel
go_to_start = Gå till start
error_code_wrong = Koden stämmer inte. Titta på lappen och skriv koden igen.
error_code_unusable = Koden går inte att använda nu. Be din handläggare om en ny kod.
error_locked = Du har skrivit fel för många gånger. Prata med din handläggare. Du får en ny kod.
error_pin_digits = Välj 4 till 6 siffror som pinkod.
error_pin_mismatch = Du skrev två olika pinkoder. Skriv samma pinkod två gånger.
error_pin_wrong = { $left ->
    [one] Fel pinkod. Försök igen. Du kan försöka en gång till.
   *[other] Fel pinkod. Försök igen. Du kan försöka { $left } gånger till.
}
error_phone_unknown = Telefonen känns inte igen. Skriv koden du fick.
error_signed_out = Du behöver skriva din kod först.
error_no_such_question = Den frågan finns inte.
error_unknown_button = Okänd knapp.
error_nothing_due = Du har inget att svara på just nu.
error_nothing_to_send = Det finns inga svar att skicka. Börja om från början.
error_not_saved = Svaren kunde inte sparas. Börja om från början.
error_answers_mismatch = Svaren passar inte till frågorna. Börja om från början.
error_already_answered = Du har redan svarat den här gången.
error_someone_else = Svaren är en annan persons. Vi tar emot dem när den personen loggar in.
error_unknown_occasion = Den gången finns inte. Börja om från början.
error_occasion_not_yours = Det tillfället finns inte för dig.
error_too_late = Tiden för att svara är slut. Svaren kan inte sparas.
error_questions_gone = Frågorna finns inte längre. Börja om från början.
error_unreadable_time = Tiden för svaren går inte att läsa.
error_no_submission_id = Svaren saknar sitt id. Börja om från början.
error_unknown_language = Välj ett språk i listan.
error_choose_pictures = Välj med bilder eller bara text.
error_choose_text_size = Välj hur stor text du vill ha.
error_choose_file_kind = Välj csv eller json.
error_unreadable_form = Formuläret kunde inte läsas.
error_internal = Något gick fel hos oss. Försök igen om en stund.
error_busy = Det är många som använder Stegvis just nu. Försök igen om en stund.
