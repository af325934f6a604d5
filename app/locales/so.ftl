# Somali.
# Format and rules: docs/languages.md.

## About the language

language_name = Soomaali
# reviewed: checked by a native speaker; preliminary: have a native speaker review.
translation_status = preliminary

## Screens

loading = Wax yar sug.
start_heading = Salaan! Hadda waa waqtigii aad jawaabi lahayd
start_intake = Tani waa markii ugu horreysay ee aad jawaabto.
start_follow_up = Hadda mar kale ayaad jawaabaysaa. Tani waa dabagalka { $n }.
start_exit = Taageeradaadu way dhammaanaysaa. Tani waa markii ugu dambeysay ee aad jawaabto.
start_count = Waxaa jira { $total } su'aalood. Waxay qaadanaysaa dhowr daqiiqo.
no_right_answers = U jawaab sida aad u aragto. Jawaab kastaa way wanaagsan tahay.
answer_until = Maalinta ugu dambeysa ee aad jawaabi karto waa { $date }.
resume_count = Waxaad ka jawaabtay { $answered } ka mid ah { $total } su'aalood.
begin = Bilow
resume = Sii wad
nothing_due_heading = Hadda waad dhammaysay
next_from = Marka xigta waxaad jawaabi kartaa laga bilaabo { $date }.
occasion_intake = bilowga
occasion_follow_up = dabagalka { $n }
occasion_exit = dhammaadka
progress = Su'aal { $step } ka mid ah { $total }
back = Dib u noqo
next = Xiga
choose_answer = Dooro jawaab.
decline = Ma rabo inaan jawaabo
listen = Dhegayso
review_heading = Jawaabahaaga
review_intro = Eeg jawaabahaaga. Waad beddeli kartaa jawaab ka hor intaadan dirin.
change_answer = Beddel jawaabta su'aasha { $n }
no_answer_yet = Waxaan sugaynaa jawaabtaada
send = Dir jawaabaha
answer_all_first = Marka hore ka jawaab dhammaan su'aalaha. Waxaad dooran kartaa “Ma rabo inaan jawaabo”.
keep_answering = Sii wad jawaabta
not_sent_heading = Marka hore dir jawaabahaaga
thanks_heading = Waad ku mahadsan tahay jawaabahaaga!
thanks_received = Waan helnay jawaabahaaga.
thanks_next = Adiga iyo qofka kiiskaaga haya waad wada eegi kartaan jawaabaha.
thanks_next_date = Marka xigta ee aad jawaabi karto waa { $date }.
settings = Luuqad, sawirro iyo qoraal
language = Luuqad
pictures = Sawirro
pictures_on = Sawirro leh
pictures_off = Qoraal kaliya
text_size = Qoraal intee le'eg ayaad rabtaa?
size_normal = Caadi
size_large = Weyn
size_larger = Aad u weyn
save = Kaydi
skip_to_content = Ka bood liiska
code_heading = Qor koodhkaaga
code_help = Waxaad heshay warqad uu koodh ku qoran yahay. Qor koodhka sida uu warqadda ugu qoran yahay.
code_label = Koodh
go_on = Sii wad
pin_new_heading = Dooro lambar sir ah
pin_new_help = Dooro 4 ilaa 6 lambar. Marka xigta ayaad qori doontaa.
pin_label = Lambarka sirta ah
pin_repeat_label = Mar kale qor isla lambarka sirta ah
pin_heading = Qor lambarkaaga sirta ah
pin_help = Waa lambarka sirta ah ee adigu dooratay.
new_code_link = Waxaan helay koodh cusub
signed_in_heading = Waad gashay
start_answering = Bilow jawaabta
leave = Ka bax
assisted_banner = Waad wada jawaabaysaan. Adiga ayaa dooranaya jawaabaha.
journey_heading = Safarkayga
journey_intro = Halkan waxaad ku aragtaa sida ay arrimuhu kuugu socdeen.
journey_link = Eeg safarkayga
journey_nothing = Halkan waxaad ku arki doontaa safarkaaga marka aad jawaabto.
journey_star_title = Bilowga iyo hadda
journey_outward = Dhinaca midigta u sii dhow waa ka fiican.
journey_table = Ku muuji jadwal
journey_start = Bilowga
journey_before = Markii hore
journey_now = Hadda
journey_legend_first = goobo bunni ah
journey_legend_previous = saddex-xagallo cawl ah, xariiq dhuuban oo dhibco ah
journey_legend_latest = afar-gees buluug ah
journey_better = Way fiicnaatay.
journey_same = Waa sidii hore.
journey_worse = Way xumaatay.
journey_declined_only = Waxaad dooratay “Ma rabo inaan jawaabo”.
journey_later = Su'aashan waxaad heli doontaa mar dambe.
chart_change = { $name }: { $from } ilaa { $to } ka mid ah { $of } ({ $from_label } → { $to_label }).
chart_one = { $name }: { $level } ka mid ah { $of } ({ $label }).
outbox_waiting = Jawaabahaagu waxay ku jiraan taleefankaaga. Waan heli doonnaa marka aad internet hesho.
outbox_sending = Hadda waan helaynaa jawaabahaaga.
outbox_sent = Waa dhammaatay! Waan helnay jawaabahaaga.
outbox_sign_in = Mar kale qor lambarkaaga sirta ah. Markaas ayaan helaynaa jawaabahaaga.
outbox_stuck_heading = Wax ayaa ka khaldamay jawaabaha
outbox_stuck_body = Jawaabahaagu weli waxay ku jiraan taleefankaaga.
outbox_stuck_help = Boggan u tus qofka kiiskaaga haya.
outbox_stuck_code = Koodhku waa { $code }.
offline_heading = Hadda internet ma haysatid
offline_body = Fur Stegvis marka aad internet haysato. Markaas ayaad jawaabi kartaa.
new_version = Waxaa jira Stegvis cusub.
update_now = Soo qaado kan cusub
leave_waiting = Jawaabahaagu waxay ku jiri doonaan taleefankaaga ilaa aan helno.
answers_heading = Jawaabahayga
answers_intro = Halkan waxaad ku aragtaa dhammaan jawaabaha aad dirtay.
answers_nothing = Halkan waxaad ku arki doontaa jawaabahaaga marka aad dirto.
answers_from = Jawaabahaaga taariikhda { $date }
answers_question = Su'aal
answers_answer = Jawaabtaada
answers_print = Daabac
answers_save_heading = Kaydi jawaabahaaga
answers_save_help = Waxaad kaydin kartaa fayl ay ku jiraan jawaabahaagu.
answers_save_csv = U kaydi jadwal ahaan (CSV)
answers_save_json = U kaydi fayl kombiyuutar ahaan (JSON)
answers_link = Eeg jawaabahayga
answers_back = Ku noqo bilowga
statement_heading = Sidee ayay u fudud tahay isticmaalka Stegvis?

## The printed access sheet

sheet_heading = Sida aad ugu jawaabto taleefankaaga
sheet_steps =
    Fur kamaradda taleefankaaga.
    U jeedi sanduuqa hoose.
    Riix xiriirka soo baxa.
sheet_qr_label = Koodh QR oo leh xiriir Stegvis
sheet_or_type = Ama qor cinwaankan:
sheet_your_code = Koodhkaaga:
sheet_then_pin = Kadib waxaad dooranaysaa lambar sir ah. Adiga oo keliya ayaa ogaanaya.
sheet_valid_until = Koodhku wuu shaqaynayaa ilaa { $date }.

## Counted answers in Min resa: $n is how many times
journey_answered = { $n ->
    [one] Hal mar ayaad jawaabtay.
   *[other] { $n } jeer ayaad jawaabtay.
}
journey_declined = { $n ->
    [one] Hal mar ayaad dooratay “Ma rabo inaan jawaabo”.
   *[other] { $n } jeer ayaad dooratay “Ma rabo inaan jawaabo”.
}

## Dates: $day, $month (1-12), $year
date_this_year = { $day } { $month ->
    [1] Janaayo
    [2] Febraayo
    [3] Maarso
    [4] Abriil
    [5] Maajo
    [6] Juun
    [7] Luuliyo
    [8] Ogost
    [9] Sebtembar
    [10] Oktoobar
    [11] Nofembar
   *[12] Desembar
}
date_other_year = { $day } { $month ->
    [1] Janaayo
    [2] Febraayo
    [3] Maarso
    [4] Abriil
    [5] Maajo
    [6] Juun
    [7] Luuliyo
    [8] Ogost
    [9] Sebtembar
    [10] Oktoobar
    [11] Nofembar
   *[12] Desembar
} { $year }

## The accessibility statement (/tillganglighet); one paragraph or list entry per line
statement_intro =
    Qof kastaa waa inuu isticmaali karaa Stegvis.
    Halkan waxaad ka akhrisan kartaa waxa si fiican u shaqeeya iyo waxa weli adag.
    Sidoo kale halkan waxaad ka akhrisan kartaa sida aad noogu sheegi karto haddii wax adag yihiin.
statement_works_heading = Kuwan way shaqeeyaan
statement_works =
    Waxaad dooran kartaa luuqad: { $languages }.
    Waxaad dooran kartaa qoraal weyn iyo sawirro ku ag yaal jawaabaha.
    Badhanka Dhegayso wuxuu su'aasha ku akhriyaa cod dheer.
    Waxaad isticmaali kartaa kiiboodhka oo kaliya. Waxaad isticmaali kartaa akhriyaha shaashadda.
    Bogagga ka-qaybgalayaasha waxay ku shaqeeyaan taleefannada yaryar iyo qoraal weyn.
    Waxaad jawaabi kartaa adigoon internet haysan. Waan heli doonnaa jawaabaha marka aad mar kale internet hesho.
statement_gaps_heading = Kuwan weli way adag yihiin
statement_gaps =
    Dhegayso wuxuu u baahan yahay cod ku jira taleefankaaga oo ah luuqaddaada. Taleefannada qaarkood codkaas ma laha.
    Sawirrada Safarkayga way adkaan karaan in la akhriyo. Dooro Ku muuji jadwal. Markaas waxaad arkaysaa isla wixii oo qoraal ah.
    Faylasha jawaabaha (CSV iyo JSON) waa jadwallo. Way adkaan karaan in la akhriyo.
    Bogagga shaqaalaha waxay ku qoran yihiin Iswiidhish oo kaliya.
statement_report_heading = Noo sheeg haddii wax adag yihiin
statement_report_contact = Nala soo xiriir: { $contact }
statement_report_default = U sheeg qofka kiiskaaga haya. Qofkaasi wuxuu hubin doonaa inaan ogaanno.
statement_report_supervisor = Waxaad sidoo kale la xiriiri kartaa Hay'adda Dowladda Dhijitaalka ah (Digg). Hay'addani waxay hubisaa in sharciga la raaco.
statement_supervisor_link = U gudub bogga Hay'adda Dowladda Dhijitaalka ah
statement_about_heading = Ku saabsan sharciga
statement_about =
    Iswiidhan waxaa ka jira sharci ku saabsan adeegyada dadweynaha ee dhijitaalka ah. Sharcigan waxaa la yiraahdaa DOS-lagen.
    Stegvis wuxuu raacaa sharciga inta badan. Waxa weli adag waxay ku qoran yihiin kor.
    Waxaan Stegvis ku tijaabinaa kiiboodh, akhriyaha shaashadda iyo qalab kale. Waxaan ku tijaabinaa taleefan iyo kombiyuutar.
    Qoraalkan waxaan qornay Desembar 2026.
statement_official = Tani waa turjumaad. Qoraalka Iswiidhishka ah ayaa ah kan rasmiga ah.

## Messages when something is wrong (an error may say "inte": it says what is wrong)

error_heading = Wax baa khaldamay
go_to_start = Tag bogga hore
error_code_wrong = Koodhku sax ma aha. Eeg warqadda oo mar kale qor koodhka.
error_code_unusable = Koodhka hadda lama isticmaali karo. Qofka kiiskaaga haya ka codso koodh cusub.
error_locked = Waxaad khalad qortay marar aad u badan. La hadal qofka kiiskaaga haya. Waxaad heli doontaa koodh cusub.
error_pin_digits = Qor 4 ilaa 6 lambar.
error_pin_mismatch = Waxaad qortay laba lambar sir ah oo kala duwan. Qor isla lambarka sirta ah laba jeer.
error_pin_wrong = { $left ->
    [one] Lambarka sirta ah waa khalad. Isku day mar kale. Hal mar oo kale ayaad isku dayi kartaa.
   *[other] Lambarka sirta ah waa khalad. Isku day mar kale. { $left } jeer oo kale ayaad isku dayi kartaa.
}
error_phone_unknown = Taleefankan ma aqoonno. Qor koodhka aad heshay.
error_signed_out = Marka hore waa inaad qortaa koodhkaaga.
error_no_such_question = Su'aashaas ma jirto.
error_unknown_button = Badhan aan la garanayn.
error_nothing_due = Hadda wax aad ka jawaabto ma jiraan.
error_nothing_to_send = Ma jiraan jawaabo la diro. Mar kale ka bilow bilowga.
error_not_saved = Jawaabaha lama kaydin karin. Mar kale ka bilow bilowga.
error_answers_mismatch = Jawaabuhu kuma habboona su'aalaha. Mar kale ka bilow bilowga.
error_already_answered = Horay ayaad u dirtay jawaabaha ballantan.
error_someone_else = Jawaabahan waxaa leh qof kale. Waa la diri doonaa marka qofkaasi soo galo.
error_unknown_occasion = Ballan aan la garanayn.
error_occasion_not_yours = Ballantaasi taada ma aha.
error_too_late = Waqtiga jawaabta wuu dhammaaday. Jawaabaha lama kaydin karo.
error_questions_gone = Su'aalahaasi hadda ma jiraan. Mar kale ka bilow bilowga.
error_unreadable_time = Waqtiga jawaabaha lama akhrin karo.
error_no_submission_id = Jawaabaha ma laha aqoonsi. Mar kale ka bilow bilowga.
error_unknown_language = Liiska ka dooro luuqad.
error_choose_pictures = Dooro “Sawirro leh” ama “Qoraal kaliya”.
error_choose_text_size = Dooro cabbirka qoraalka.
error_choose_file_kind = Dooro csv ama json.
error_unreadable_form = Foomka lama akhrin karin.
error_internal = Wax ayaa ka khaldamay dhankayaga. Isku day mar kale wax yar kadib.
error_busy = Dad badan ayaa hadda isticmaalaya Stegvis. Isku day mar kale wax yar kadib.
