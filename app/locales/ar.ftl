# Arabic (right to left).
# Format and rules: docs/languages.md.

## About the language

language_name = العربية
# reviewed: checked by a native speaker; preliminary: have a native speaker review.
translation_status = reviewed

## Screens

loading = انتظر قليلًا.
start_heading = مرحبًا! حان وقت الإجابة
start_intake = هذه أول مرة تجيب فيها.
start_follow_up = الآن تجيب مرة أخرى. هذه هي المتابعة { $n }.
start_exit = دعمك ينتهي. هذه آخر مرة تجيب فيها.
start_count = هناك { $total } أسئلة. يستغرق ذلك بضع دقائق.
no_right_answers = أجب بما تراه. كل الإجابات مقبولة.
answer_until = آخر يوم للإجابة هو { $date }.
resume_count = أجبت عن { $answered } من { $total } أسئلة.
begin = ابدأ
resume = تابع
nothing_due_heading = انتهيت في الوقت الحالي
next_from = في المرة القادمة يمكنك الإجابة من { $date }.
occasion_intake = البداية
occasion_follow_up = المتابعة { $n }
occasion_exit = النهاية
progress = السؤال { $step } من { $total }
back = رجوع
next = التالي
choose_answer = اختر إجابة.
decline = لا أريد الإجابة
listen = استمع
review_heading = إجاباتك
review_intro = انظر إلى إجاباتك. يمكنك تغيير إجابة قبل الإرسال.
change_answer = غيّر الإجابة عن السؤال { $n }
no_answer_yet = بانتظار إجابتك
send = أرسل الإجابات
answer_all_first = أجب عن كل الأسئلة أولًا. يمكنك اختيار لا أريد الإجابة.
keep_answering = تابع الإجابة
not_sent_heading = أرسل إجاباتك أولًا
thanks_heading = شكرًا على إجاباتك!
thanks_received = وصلتنا إجاباتك.
thanks_next = يمكنك أنت ومسؤول حالتك النظر في الإجابات معًا.
thanks_next_date = المرة القادمة التي يمكنك فيها الإجابة هي { $date }.
settings = اللغة والصور والنص
language = اللغة
pictures = الصور
pictures_on = مع الصور
pictures_off = نص فقط
text_size = ما حجم النص؟
size_normal = عادي
size_large = كبير
size_larger = أكبر
save = احفظ
skip_to_content = تخطَّ القائمة
code_heading = اكتب الرمز
code_help = حصلت على ورقة عليها رمز. اكتب الرمز كما هو على الورقة.
code_label = الرمز
go_on = متابعة
pin_new_heading = اختر رقمًا سريًا
pin_new_help = اختر من 4 إلى 6 أرقام. ستكتبها في المرة القادمة.
pin_label = الرقم السري
pin_repeat_label = اكتب الرقم السري نفسه مرة أخرى
pin_heading = اكتب رقمك السري
pin_help = هو الرقم الذي اخترته بنفسك.
new_code_link = لدي رمز جديد
signed_in_heading = لقد دخلت
start_answering = ابدأ الإجابة
leave = تسجيل الخروج
assisted_banner = أنتم تجيبون معًا. أنت من يختار الإجابات.
journey_heading = رحلتي
journey_intro = هنا ترى كيف سارت الأمور معك.
journey_link = انظر رحلتي
journey_nothing = سترى رحلتك هنا بعد أن تجيب.
journey_star_title = البداية والآن
journey_outward = كلما كان إلى اليسار كان أفضل.
journey_table = اعرض كجدول
journey_start = البداية
journey_before = المرة الماضية
journey_now = الآن
journey_legend_first = دائرة بنية
journey_legend_previous = مثلثات رمادية وخط منقط رفيع
journey_legend_latest = مربع أزرق
journey_better = أصبح أفضل.
journey_same = كما كان من قبل.
journey_worse = أصبح أسوأ.
journey_declined_only = اخترت «لا أريد الإجابة».
journey_later = سيأتيك هذا السؤال لاحقًا.
chart_change = { $name }: من { $from } إلى { $to } من { $of } (من { $from_label } إلى { $to_label }).
chart_one = { $name }: { $level } من { $of } ({ $label }).
outbox_waiting = إجاباتك محفوظة في هاتفك. نستلمها عندما يكون لديك إنترنت.
outbox_sending = نستلم إجاباتك الآن.
outbox_sent = تم! استلمنا إجاباتك.
outbox_sign_in = اكتب رقمك السري مرة أخرى. بعدها نستلم إجاباتك.
outbox_stuck_heading = حدث خطأ في إجاباتك
outbox_stuck_body = إجاباتك ما زالت في هاتفك.
outbox_stuck_help = أرِ هذه الصفحة لمسؤول حالتك.
outbox_stuck_code = الرمز هو { $code }.
offline_heading = أنت بدون إنترنت الآن
offline_body = افتح Stegvis عندما يكون لديك إنترنت. بعدها يمكنك الإجابة.
new_version = توجد نسخة جديدة من Stegvis.
update_now = احصل على النسخة الجديدة
leave_waiting = تبقى إجاباتك في هاتفك حتى نستلمها.
answers_heading = إجاباتي
answers_intro = هنا ترى كل الإجابات التي أرسلتها.
answers_nothing = سترى إجاباتك هنا بعد أن ترسلها.
answers_from = إجابات من { $date }
answers_question = السؤال
answers_answer = إجابتك
answers_print = اطبع
answers_save_heading = احفظ إجاباتك
answers_save_help = يمكنك حفظ ملف بإجاباتك.
answers_save_csv = احفظ كجدول (CSV)
answers_save_json = احفظ كملف للحاسوب (JSON)
answers_link = انظر إجاباتي
answers_back = العودة إلى البداية
statement_heading = ما مدى سهولة استخدام Stegvis؟

## The printed access sheet

sheet_heading = كيف تجيب على هاتفك
sheet_steps =
    افتح الكاميرا في هاتفك.
    وجّهها نحو المربع في الأسفل.
    اضغط على الرابط الذي يظهر.
sheet_qr_label = رمز QR مع رابط إلى ستيغفيس
sheet_or_type = أو اكتب هذا العنوان:
sheet_your_code = رمزك:
sheet_then_pin = بعد ذلك تختار رمزًا سريًا. يجب أن تعرفه أنت فقط.
sheet_valid_until = يعمل الرمز حتى { $date }.

## Counted answers in Min resa: $n is how many times
journey_answered = { $n ->
    [one] أجبت مرة واحدة.
    [two] أجبت مرتين.
    [few] أجبت { $n } مرات.
   *[other] أجبت { $n } مرة.
}
journey_declined = { $n ->
    [one] مرة واحدة اخترت «لا أريد الإجابة».
    [two] مرتين اخترت «لا أريد الإجابة».
    [few] { $n } مرات اخترت «لا أريد الإجابة».
   *[other] { $n } مرة اخترت «لا أريد الإجابة».
}

## Dates: $day, $month (1-12), $year
date_this_year = { $day } { $month ->
    [1] يناير
    [2] فبراير
    [3] مارس
    [4] أبريل
    [5] مايو
    [6] يونيو
    [7] يوليو
    [8] أغسطس
    [9] سبتمبر
    [10] أكتوبر
    [11] نوفمبر
   *[12] ديسمبر
}
date_other_year = { $day } { $month ->
    [1] يناير
    [2] فبراير
    [3] مارس
    [4] أبريل
    [5] مايو
    [6] يونيو
    [7] يوليو
    [8] أغسطس
    [9] سبتمبر
    [10] أكتوبر
    [11] نوفمبر
   *[12] ديسمبر
} { $year }

## The accessibility statement (/tillganglighet); one paragraph or list entry per line
statement_intro =
    يجب أن يستطيع الجميع استخدام Stegvis.
    هنا تقرأ ما يعمل جيدًا وما زال صعبًا.
    وهنا تقرأ أيضًا كيف تخبرنا عندما يكون شيء صعبًا.
statement_works_heading = هذا يعمل
statement_works =
    يمكنك اختيار اللغة: { $languages }.
    يمكنك اختيار نص كبير وصور بجانب الإجابات.
    زر استمع يقرأ السؤال بصوت عالٍ.
    يمكنك استخدام لوحة المفاتيح فقط. يمكنك استخدام قارئ الشاشة.
    صفحات المشاركين تعمل على الهواتف الصغيرة ومع النص الكبير.
    يمكنك الإجابة بدون إنترنت. نستلم إجاباتك عندما يعود الإنترنت.
statement_gaps_heading = هذا ما زال صعبًا
statement_gaps =
    استمع يحتاج إلى صوت في هاتفك بلغتك. بعض الهواتف ليس فيها ذلك.
    الصور في رحلتي قد تكون صعبة القراءة. اختر اعرض كجدول. عندها ترى الشيء نفسه كنص.
    ملفات الإجابات (CSV و JSON) جداول. قد تكون صعبة القراءة.
    صفحات الموظفين باللغة السويدية فقط.
statement_report_heading = أخبرنا عندما يكون شيء صعبًا
statement_report_contact = تواصل معنا: { $contact }
statement_report_default = أخبر مسؤول حالتك. مسؤول حالتك يتأكد من أننا نعرف.
statement_report_supervisor = يمكنك أيضًا التواصل مع هيئة الإدارة الرقمية (Digg). هذه الهيئة تتأكد من اتباع القانون.
statement_supervisor_link = إلى هيئة الإدارة الرقمية
statement_about_heading = عن القانون
statement_about =
    في السويد قانون عن الخدمات الرقمية العامة الميسّرة (DOS-lagen).
    Stegvis يتبع القانون في معظم الأمور. ما زال صعبًا مكتوب في الأعلى.
    نختبر Stegvis بلوحة المفاتيح وقارئات الشاشة والأدوات، على الهاتف والحاسوب.
    كتبنا هذا النص في ديسمبر 2026.
statement_official = هذه ترجمة. النص السويدي هو النص الرسمي.

## Messages when something is wrong

error_heading = حدث خطأ
go_to_start = اذهب إلى البداية
error_code_wrong = الرمز غير صحيح. انظر إلى الورقة واكتب الرمز مرة أخرى.
error_code_unusable = لا يمكن استخدام الرمز الآن. اطلب رمزًا جديدًا من مسؤول حالتك.
error_locked = كتبت خطأ مرات كثيرة. تحدّث مع مسؤول حالتك. ستحصل على رمز جديد.
error_pin_digits = اكتب من 4 إلى 6 أرقام.
error_pin_mismatch = كتبت رمزين مختلفين. اكتب نفس الرمز السري مرتين.
error_pin_wrong = { $left ->
    [one] الرمز السري خطأ. حاول مرة أخرى. يمكنك المحاولة مرة واحدة فقط.
    [two] الرمز السري خطأ. حاول مرة أخرى. يمكنك المحاولة مرتين.
    [few] الرمز السري خطأ. حاول مرة أخرى. يمكنك المحاولة { $left } مرات.
   *[other] الرمز السري خطأ. حاول مرة أخرى. يمكنك المحاولة { $left } مرة.
}
error_phone_unknown = لا نعرف هذا الهاتف. اكتب الرمز الذي حصلت عليه.
error_signed_out = يجب أن تكتب رمزك أولًا.
error_no_such_question = هذا السؤال غير موجود.
error_unknown_button = زر غير معروف.
error_nothing_due = ليس لديك شيء تجيب عنه الآن.
error_nothing_to_send = لا توجد إجابات لإرسالها. ابدأ من البداية.
error_not_saved = لم نتمكن من حفظ الإجابات. ابدأ من البداية.
error_answers_mismatch = الإجابات لا تناسب الأسئلة. ابدأ من البداية.
error_already_answered = أرسلت إجاباتك لهذه المرة من قبل.
error_someone_else = هذه الإجابات لشخص آخر. تُرسل عندما يسجّل ذلك الشخص الدخول.
error_unknown_occasion = موعد غير معروف.
error_occasion_not_yours = هذا الموعد ليس لك.
error_too_late = انتهى وقت الإجابة. لا يمكن حفظ الإجابات.
error_questions_gone = تغيّرت الأسئلة. ابدأ من البداية.
error_unreadable_time = لا يمكن قراءة وقت الإجابات.
error_no_submission_id = الإجابات بلا رقم تعريف. ابدأ من البداية.
error_unknown_language = اختر لغة من القائمة.
error_choose_pictures = اختر مع الصور أو النص فقط.
error_choose_text_size = اختر حجم النص.
error_choose_file_kind = اختر csv أو json.
error_unreadable_form = تعذّرت قراءة النموذج.
error_internal = حدث خطأ عندنا. حاول مرة أخرى بعد قليل.
error_busy = كثير من الناس يستخدمون ستيغفيس الآن. حاول مرة أخرى بعد قليل.
