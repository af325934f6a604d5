# English.
# Format and rules: docs/languages.md.

## About the language

language_name = English
# reviewed: checked by a native speaker; preliminary: have a native speaker review.
translation_status = reviewed

## Screens

loading = Please wait.
start_heading = Hello! It is time to answer
start_intake = This is the first time you answer.
start_follow_up = You answer again now. This is follow-up { $n }.
start_exit = Your support is ending. This is the last time you answer.
start_count = There are { $total } questions. It takes a few minutes.
no_right_answers = Answer what you think. Every answer is fine.
answer_until = The last day to answer is { $date }.
resume_count = You have answered { $answered } of { $total } questions.
begin = Start
resume = Continue
nothing_due_heading = You are done for now
next_from = Next time you can answer from { $date }.
occasion_intake = the start
occasion_follow_up = follow-up { $n }
occasion_exit = the end
progress = Question { $step } of { $total }
back = Back
next = Next
choose_answer = Choose an answer.
decline = I do not want to answer
listen = Listen
review_heading = Your answers
review_intro = Look at your answers. You can change an answer before you send.
change_answer = Change answer to question { $n }
no_answer_yet = Waiting for your answer
send = Send the answers
answer_all_first = Answer all questions first. You can choose I do not want to answer.
keep_answering = Keep answering
not_sent_heading = Send your answers first
thanks_heading = Thank you for your answers!
thanks_received = We have your answers.
thanks_next = You and your case manager can look at the answers together.
thanks_next_date = Next time you can answer is { $date }.
settings = Language, pictures and text
language = Language
pictures = Pictures
pictures_on = With pictures
pictures_off = Text only
text_size = How big text?
size_normal = Normal
size_large = Big
size_larger = Biggest
save = Save
skip_to_content = Skip the menu
code_heading = Type your code
code_help = You got a note with a code. Type the code as it is on the note.
code_label = Code
go_on = Continue
pin_new_heading = Choose a PIN
pin_new_help = Choose 4 to 6 digits. You will type them next time.
pin_label = PIN
pin_repeat_label = Type the same PIN again
pin_heading = Type your PIN
pin_help = It is the PIN you chose yourself.
new_code_link = I have a new code
signed_in_heading = You are in
start_answering = Start answering
leave = Sign out
assisted_banner = You are answering together. You choose the answers.
journey_heading = My journey
journey_intro = Here you can see how things have gone for you.
journey_link = See my journey
journey_nothing = You will see your journey here after you answer.
journey_star_title = Start and now
journey_outward = Further right is better.
journey_table = Show as a table
journey_start = Start
journey_before = Last time
journey_now = Now
journey_legend_first = brown circle
journey_legend_previous = grey triangles, thin dotted line
journey_legend_latest = blue square
journey_better = It has got better.
journey_same = It is the same as before.
journey_worse = It has got worse.
journey_declined_only = You chose “I do not want to answer”.
journey_later = You will get this question later.
chart_change = { $name }: from { $from } to { $to } of { $of } ({ $from_label } → { $to_label }).
chart_one = { $name }: { $level } of { $of } ({ $label }).
outbox_waiting = Your answers are on your phone. We get them when you have internet.
outbox_sending = We are getting your answers now.
outbox_sent = Done! We have your answers.
outbox_sign_in = Type your PIN again. Then we get your answers.
outbox_stuck_heading = Something went wrong with your answers
outbox_stuck_body = Your answers are still on your phone.
outbox_stuck_help = Show this page to your case manager.
outbox_stuck_code = The code is { $code }.
offline_heading = You are without internet now
offline_body = Open Stegvis when you have internet. Then you can answer.
new_version = There is a new Stegvis.
update_now = Get the new one
leave_waiting = Your answers stay on your phone until we have them.
answers_heading = My answers
answers_intro = Here you see all the answers you have sent.
answers_nothing = Here you see your answers after you send them.
answers_from = Answers from { $date }
answers_question = Question
answers_answer = Your answer
answers_print = Print
answers_save_heading = Save your answers
answers_save_help = You can save a file with your answers.
answers_save_csv = Save as a table (CSV)
answers_save_json = Save as a file for computers (JSON)
answers_link = See my answers
answers_back = Back to start
statement_heading = How easy is Stegvis to use?

## The printed access sheet

sheet_heading = How to answer on your phone
sheet_steps =
    Open the camera on your phone.
    Point it at the square below.
    Tap the link that comes up.
sheet_qr_label = QR code with a link to Stegvis
sheet_or_type = Or type this address:
sheet_your_code = Your code:
sheet_then_pin = Then you choose a PIN. Only you should know it.
sheet_valid_until = The code works until { $date }.

## Counted answers in Min resa: $n is how many times
journey_answered = { $n ->
    [one] You have answered once.
    [2] You have answered twice.
   *[other] You have answered { $n } times.
}
journey_declined = { $n ->
    [one] Once you chose “I do not want to answer”.
    [2] Twice you chose “I do not want to answer”.
   *[other] { $n } times you chose “I do not want to answer”.
}

## Dates: $day, $month (1-12), $year
date_this_year = { $day } { $month ->
    [1] January
    [2] February
    [3] March
    [4] April
    [5] May
    [6] June
    [7] July
    [8] August
    [9] September
    [10] October
    [11] November
   *[12] December
}
date_other_year = { $day } { $month ->
    [1] January
    [2] February
    [3] March
    [4] April
    [5] May
    [6] June
    [7] July
    [8] August
    [9] September
    [10] October
    [11] November
   *[12] December
} { $year }

## The accessibility statement (/tillganglighet); one paragraph or list entry per line
statement_intro =
    Everyone should be able to use Stegvis.
    Here you can read what works well and what is still hard.
    You can also read how to tell us when something is hard.
statement_works_heading = This works
statement_works =
    You can choose a language: { $languages }.
    You can choose big text and pictures next to the answers.
    The Listen button reads the question aloud.
    You can use only the keyboard. You can use a screen reader.
    The participant pages work on small phones and with big text.
    You can answer without internet. We get your answers when you have internet again.
statement_gaps_heading = This is still hard
statement_gaps =
    Listen needs a voice on your phone for your language. Some phones do not have one.
    The pictures in My journey can be hard to read. Choose Show as a table. Then you see the same as text.
    Files with answers (CSV and JSON) are tables. They can be hard to read.
    The staff pages are only in Swedish.
statement_report_heading = Tell us when something is hard
statement_report_contact = Contact us: { $contact }
statement_report_default = Tell your case manager. Your case manager makes sure that we know.
statement_report_supervisor = You can also contact the Agency for Digital Government (Digg). That agency makes sure the law is followed.
statement_supervisor_link = To the Agency for Digital Government
statement_about_heading = About the law
statement_about =
    Sweden has a law on accessible digital public services (DOS-lagen).
    Stegvis mostly follows the law. What is still hard is listed above.
    We test Stegvis with the keyboard, screen readers and tools, on phones and computers.
    We wrote this text in December 2026.
statement_official = This is a translation. The Swedish text is the official one.

## Messages when something is wrong

error_heading = Something went wrong
go_to_start = Go to the start
error_code_wrong = The code is wrong. Look at the note and type the code again.
error_code_unusable = The code cannot be used now. Ask your case manager for a new code.
error_locked = You have typed it wrong too many times. Talk to your case manager. You will get a new code.
error_pin_digits = Type 4 to 6 digits.
error_pin_mismatch = You typed two different PINs. Type the same PIN twice.
error_pin_wrong = { $left ->
    [one] Wrong PIN. Try again. You can try one more time.
   *[other] Wrong PIN. Try again. You can try { $left } more times.
}
error_phone_unknown = We do not know this phone. Type the code you got.
error_signed_out = You need to type your code first.
error_no_such_question = That question does not exist.
error_unknown_button = Unknown button.
error_nothing_due = You have nothing to answer right now.
error_nothing_to_send = There are no answers to send. Start again from the beginning.
error_not_saved = The answers could not be saved. Start again from the beginning.
error_answers_mismatch = The answers do not fit the questions. Start again from the beginning.
error_already_answered = You have already sent answers for this time.
error_someone_else = These answers belong to another person. They are sent when that person signs in.
error_unknown_occasion = Unknown check-in.
error_occasion_not_yours = That check-in is not yours.
error_too_late = The time to answer is over. The answers cannot be saved.
error_questions_gone = The questions have changed. Start again from the beginning.
error_unreadable_time = The time of the answers cannot be read.
error_no_submission_id = The answers have no id. Start again from the beginning.
error_unknown_language = Choose a language from the list.
error_choose_pictures = Choose with pictures or only text.
error_choose_text_size = Choose how big the text should be.
error_choose_file_kind = Choose csv or json.
error_unreadable_form = The form could not be read.
error_internal = Something went wrong on our side. Try again in a while.
error_busy = Many people are using Stegvis right now. Try again in a while.
