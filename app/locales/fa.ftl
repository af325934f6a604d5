# Persian (right to left); also read by Dari speakers.
# Format and rules: docs/languages.md.

## About the language

language_name = فارسی
# reviewed: checked by a native speaker; preliminary: have a native speaker review.
translation_status = preliminary

## Screens

loading = کمی صبر کنید.
start_heading = سلام! حالا وقت جواب دادن است
start_intake = این اولین بار است که جواب می‌دهید.
start_follow_up = حالا دوباره جواب می‌دهید. این پیگیری { $n } است.
start_exit = کمکی که می‌گیرید تمام می‌شود. این آخرین بار است که جواب می‌دهید.
start_count = { $total } سؤال هست. چند دقیقه طول می‌کشد.
no_right_answers = همان‌طور که فکر می‌کنید جواب بدهید. هر جوابی خوب است.
answer_until = آخرین روز برای جواب دادن { $date } است.
resume_count = به { $answered } سؤال از { $total } سؤال جواب داده‌اید.
begin = شروع
resume = ادامه
nothing_due_heading = فعلاً کارتان تمام است
next_from = بار بعد از { $date } می‌توانید جواب بدهید.
occasion_intake = شروع
occasion_follow_up = پیگیری { $n }
occasion_exit = پایان
progress = سؤال { $step } از { $total }
back = برگشت
next = بعدی
choose_answer = یک جواب انتخاب کنید.
decline = نمی‌خواهم جواب بدهم
listen = گوش بدهید
review_heading = جواب‌های شما
review_intro = جواب‌هایتان را نگاه کنید. قبل از فرستادن می‌توانید یک جواب را عوض کنید.
change_answer = جواب سؤال { $n } را عوض کنید
no_answer_yet = منتظر جواب شما
send = جواب‌ها را بفرستید
answer_all_first = اول به همه‌ی سؤال‌ها جواب بدهید. می‌توانید «نمی‌خواهم جواب بدهم» را انتخاب کنید.
keep_answering = ادامه بدهید
not_sent_heading = اول جواب‌هایتان را بفرستید
thanks_heading = از جواب‌هایتان ممنونیم!
thanks_received = جواب‌هایتان به ما رسید.
thanks_next = شما و مسئول پرونده‌تان می‌توانید با هم جواب‌ها را نگاه کنید.
thanks_next_date = بار بعد که می‌توانید جواب بدهید { $date } است.
settings = زبان، تصویر و متن
language = زبان
pictures = تصویرها
pictures_on = با تصویر
pictures_off = فقط متن
text_size = متن چقدر بزرگ باشد؟
size_normal = معمولی
size_large = بزرگ
size_larger = بزرگ‌ترین
save = ذخیره
skip_to_content = رد شدن از منو
code_heading = کد خود را بنویسید
code_help = شما یک کاغذ با یک کد گرفته‌اید. کد را همان‌طور که روی کاغذ است بنویسید.
code_label = کد
go_on = ادامه
pin_new_heading = یک رمز انتخاب کنید
pin_new_help = 4 تا 6 رقم انتخاب کنید. بار بعد باید آن‌ها را بنویسید.
pin_label = رمز
pin_repeat_label = همان رمز را دوباره بنویسید
pin_heading = رمز خود را بنویسید
pin_help = این همان رمزی است که خودتان انتخاب کردید.
new_code_link = یک کد جدید گرفته‌ام
signed_in_heading = وارد شدید
start_answering = شروع جواب دادن
leave = خروج
assisted_banner = شما و یک نفر دیگر با هم جواب می‌دهید. جواب‌ها را خود شما انتخاب می‌کنید.
journey_heading = مسیر من
journey_intro = اینجا می‌بینید که کارها برای شما چطور پیش رفته است.
journey_link = دیدن مسیر من
journey_nothing = وقتی جواب بدهید، مسیرتان را اینجا می‌بینید.
journey_star_title = شروع و حالا
journey_outward = هرچه بیشتر به سمت چپ باشد، بهتر است.
journey_table = نمایش به شکل جدول
journey_start = شروع
journey_before = بار قبل
journey_now = حالا
journey_legend_first = دایره‌ی قهوه‌ای
journey_legend_previous = مثلث‌های خاکستری، خط نازک نقطه‌چین
journey_legend_latest = مربع آبی
journey_better = بهتر شده است.
journey_same = مثل قبل است.
journey_worse = بدتر شده است.
journey_declined_only = شما «نمی‌خواهم جواب بدهم» را انتخاب کردید.
journey_later = این سؤال را بعداً می‌بینید.
chart_change = { $name }: از { $from } به { $to } از { $of } (از { $from_label } به { $to_label }).
chart_one = { $name }: { $level } از { $of } ({ $label }).
outbox_waiting = جواب‌هایتان در تلفن شماست. وقتی اینترنت داشته باشید، جواب‌ها به ما می‌رسد.
outbox_sending = الان جواب‌هایتان را می‌گیریم.
outbox_sent = تمام شد! جواب‌هایتان به ما رسید.
outbox_sign_in = رمز خود را دوباره بنویسید. بعد جواب‌هایتان به ما می‌رسد.
outbox_stuck_heading = با جواب‌ها مشکلی پیش آمد
outbox_stuck_body = جواب‌هایتان هنوز در تلفن شماست.
outbox_stuck_help = این صفحه را به مسئول پرونده‌تان نشان بدهید.
outbox_stuck_code = کد { $code } است.
offline_heading = الان اینترنت ندارید
offline_body = وقتی اینترنت دارید، Stegvis را باز کنید. آن وقت می‌توانید جواب بدهید.
new_version = نسخه‌ی جدید Stegvis آمده است.
update_now = نسخه‌ی جدید را بگیرید
leave_waiting = جواب‌هایتان در تلفن شما می‌ماند تا به ما برسد.
answers_heading = جواب‌های من
answers_intro = اینجا همه‌ی جواب‌هایی را که فرستاده‌اید می‌بینید.
answers_nothing = وقتی جواب‌هایتان را بفرستید، آن‌ها را اینجا می‌بینید.
answers_from = جواب‌های شما از { $date }
answers_question = سؤال
answers_answer = جواب شما
answers_print = چاپ
answers_save_heading = جواب‌هایتان را ذخیره کنید
answers_save_help = می‌توانید یک فایل با جواب‌هایتان ذخیره کنید.
answers_save_csv = ذخیره به شکل جدول (CSV)
answers_save_json = ذخیره به شکل فایل برای کامپیوتر (JSON)
answers_link = دیدن جواب‌های من
answers_back = برگشت به شروع
statement_heading = استفاده از Stegvis چقدر آسان است؟

## The printed access sheet

sheet_heading = چطور با موبایل جواب بدهید
sheet_steps =
    دوربین موبایل را باز کنید.
    آن را به طرف مربع پایین بگیرید.
    روی لینکی که می‌آید بزنید.
sheet_qr_label = کد QR با لینک به Stegvis
sheet_or_type = یا این آدرس را بنویسید:
sheet_your_code = کد شما:
sheet_then_pin = بعد یک رمز انتخاب می‌کنید. فقط خودتان باید آن را بدانید.
sheet_valid_until = این کد تا { $date } کار می‌کند.

## Counted answers in Min resa: $n is how many times
journey_answered = { $n ->
    [one] شما { $n } بار جواب داده‌اید.
   *[other] شما { $n } بار جواب داده‌اید.
}
journey_declined = { $n ->
    [one] { $n } بار «نمی‌خواهم جواب بدهم» را انتخاب کردید.
   *[other] { $n } بار «نمی‌خواهم جواب بدهم» را انتخاب کردید.
}

## Dates: $day, $month (1-12), $year
date_this_year = { $day } { $month ->
    [1] ژانویه
    [2] فوریه
    [3] مارس
    [4] آوریل
    [5] مه
    [6] ژوئن
    [7] ژوئیه
    [8] اوت
    [9] سپتامبر
    [10] اکتبر
    [11] نوامبر
   *[12] دسامبر
}
date_other_year = { $day } { $month ->
    [1] ژانویه
    [2] فوریه
    [3] مارس
    [4] آوریل
    [5] مه
    [6] ژوئن
    [7] ژوئیه
    [8] اوت
    [9] سپتامبر
    [10] اکتبر
    [11] نوامبر
   *[12] دسامبر
} { $year }

## The accessibility statement (/tillganglighet); one paragraph or list entry per line
statement_intro =
    همه باید بتوانند از Stegvis استفاده کنند.
    اینجا نوشته شده که چه چیزهایی خوب کار می‌کند و چه چیزهایی هنوز سخت است.
    اینجا همچنین نوشته شده که اگر چیزی سخت است، چطور به ما بگویید.
statement_works_heading = این‌ها کار می‌کند
statement_works =
    می‌توانید زبان را انتخاب کنید: { $languages }.
    می‌توانید متن بزرگ و تصویر کنار جواب‌ها را انتخاب کنید.
    دکمه‌ی «گوش بدهید» سؤال را با صدای بلند می‌خواند.
    می‌توانید فقط از صفحه‌کلید استفاده کنید. می‌توانید از صفحه‌خوان استفاده کنید.
    صفحه‌های شرکت‌کنندگان روی تلفن‌های کوچک و با متن بزرگ کار می‌کند.
    می‌توانید بدون اینترنت جواب بدهید. وقتی دوباره اینترنت داشته باشید، جواب‌ها به ما می‌رسد.
statement_gaps_heading = این‌ها هنوز سخت است
statement_gaps =
    برای «گوش بدهید» تلفن شما باید صدایی برای زبان شما داشته باشد. بعضی تلفن‌ها این صدا را ندارند.
    خواندن تصویرهای «مسیر من» می‌تواند سخت باشد. «نمایش به شکل جدول» را انتخاب کنید. آن وقت همان چیزها را به شکل متن می‌بینید.
    فایل‌های جواب (CSV و JSON) جدول هستند. خواندن آن‌ها می‌تواند سخت باشد.
    صفحه‌های کارمندان فقط به زبان سوئدی است.
statement_report_heading = اگر چیزی سخت است، به ما بگویید
statement_report_contact = با ما تماس بگیرید: { $contact }
statement_report_default = به مسئول پرونده‌تان بگویید. مسئول پرونده‌تان کاری می‌کند که ما باخبر شویم.
statement_report_supervisor = می‌توانید با سازمان دولت دیجیتال (Digg) هم تماس بگیرید. این سازمان دولتی مراقب است که قانون رعایت شود.
statement_supervisor_link = به وب‌سایت سازمان دولت دیجیتال
statement_about_heading = درباره‌ی قانون
statement_about =
    در سوئد قانونی درباره‌ی خدمات دیجیتال عمومی هست. اسم این قانون DOS-lagen است.
    Stegvis بیشتر این قانون را رعایت می‌کند. چیزهایی که هنوز سخت است، بالاتر نوشته شده است.
    ما Stegvis را با صفحه‌کلید، صفحه‌خوان و ابزارهای دیگر امتحان می‌کنیم. روی تلفن و کامپیوتر امتحان می‌کنیم.
    این متن را در دسامبر 2026 نوشتیم.
statement_official = این یک ترجمه است. متن سوئدی متن رسمی است.

## Messages when something is wrong (an error may say "inte": it says what is wrong)

error_heading = مشکلی پیش آمد
go_to_start = به صفحهٔ اول بروید
error_code_wrong = کد درست نیست. به کاغذ نگاه کنید و کد را دوباره بنویسید.
error_code_unusable = الان نمی‌شود از این کد استفاده کرد. از مسئول پرونده‌تان یک کد جدید بخواهید.
error_locked = شما بارها اشتباه نوشته‌اید. با مسئول پرونده‌تان صحبت کنید. یک کد جدید می‌گیرید.
error_pin_digits = 4 تا 6 رقم بنویسید.
error_pin_mismatch = دو رمز مختلف نوشتید. همان رمز را دو بار بنویسید.
error_pin_wrong = { $left ->
    [one] رمز اشتباه است. دوباره امتحان کنید. { $left } بار دیگر می‌توانید امتحان کنید.
   *[other] رمز اشتباه است. دوباره امتحان کنید. { $left } بار دیگر می‌توانید امتحان کنید.
}
error_phone_unknown = این تلفن را نمی‌شناسیم. کدی را که گرفتید بنویسید.
error_signed_out = اول باید کد خود را بنویسید.
error_no_such_question = این سؤال وجود ندارد.
error_unknown_button = دکمه‌ی ناشناخته.
error_nothing_due = الان چیزی برای جواب دادن ندارید.
error_nothing_to_send = جوابی برای فرستادن نیست. از اول شروع کنید.
error_not_saved = جواب‌ها ذخیره نشد. از اول شروع کنید.
error_answers_mismatch = جواب‌ها با سؤال‌ها جور نیست. از اول شروع کنید.
error_already_answered = شما برای این نوبت قبلاً جواب فرستاده‌اید.
error_someone_else = این جواب‌ها مال یک نفر دیگر است. وقتی آن نفر وارد شود، جواب‌ها فرستاده می‌شود.
error_unknown_occasion = نوبت ناشناخته.
error_occasion_not_yours = این نوبت برای شما نیست.
error_too_late = وقت جواب دادن تمام شده است. جواب‌ها ذخیره نمی‌شود.
error_questions_gone = این سؤال‌ها دیگر وجود ندارد. از اول شروع کنید.
error_unreadable_time = زمان جواب‌ها را نمی‌شود خواند.
error_no_submission_id = جواب‌ها شناسه ندارد. از اول شروع کنید.
error_unknown_language = یک زبان از فهرست انتخاب کنید.
error_choose_pictures = «با تصویر» یا «فقط متن» را انتخاب کنید.
error_choose_text_size = انتخاب کنید متن چقدر بزرگ باشد.
error_choose_file_kind = csv یا json را انتخاب کنید.
error_unreadable_form = فرم خوانده نشد.
error_internal = مشکلی از طرف ما پیش آمد. کمی بعد دوباره امتحان کنید.
error_busy = الان آدم‌های زیادی از Stegvis استفاده می‌کنند. کمی بعد دوباره امتحان کنید.
