//! The settings every page carries in its header: language, pictures and
//! text size. Shared by participant pages (server-drawn) and staff pages
//! (hydrated), so it lives apart from the check-in screens.

use crate::prefs::Prefs;
use crate::texts::Lang;
use leptos::prelude::*;

/// Language, pictures and text size, on every page. A plain form post that
/// reloads the page, so the language and writing direction change everywhere.
#[component]
pub fn SettingsPanel() -> impl IntoView {
    let prefs = use_context::<Prefs>().unwrap_or_default();
    let t = prefs.lang.texts();
    let location = leptos_router::hooks::use_location();
    let return_to = move || location.pathname.get();
    view! {
        <details class="settings">
            <summary data-t="settings">{t.settings.as_str()}</summary>
            <form method="post" action="/api/preferences">
                <input type="hidden" name="return_to" value=return_to />
                <fieldset>
                    <legend data-t="language">{t.language.as_str()}</legend>
                    {Lang::all()
                        .map(|lang| {
                            view! {
                                <label class="choice">
                                    <input type="radio" name="lang" value=lang.code() checked=prefs.lang == lang />
                                    <span lang=lang.code() dir=lang.dir()>{lang.native_name()}</span>
                                </label>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <fieldset>
                    <legend data-t="pictures">{t.pictures.as_str()}</legend>
                    <label class="choice">
                        <input type="radio" name="pictures" value="on" checked=prefs.pictures />
                        <span data-t="pictures_on">{t.pictures_on.as_str()}</span>
                    </label>
                    <label class="choice">
                        <input type="radio" name="pictures" value="off" checked=!prefs.pictures />
                        <span data-t="pictures_off">{t.pictures_off.as_str()}</span>
                    </label>
                </fieldset>
                <fieldset>
                    <legend data-t="text_size">{t.text_size.as_str()}</legend>
                    {crate::prefs::TextSize::ALL
                        .into_iter()
                        .map(|size| {
                            let (key, label) = match size {
                                crate::prefs::TextSize::Normal => ("size_normal", t.size_normal.as_str()),
                                crate::prefs::TextSize::Large => ("size_large", t.size_large.as_str()),
                                crate::prefs::TextSize::Larger => ("size_larger", t.size_larger.as_str()),
                            };
                            view! {
                                <label class="choice">
                                    <input type="radio" name="size" value=size.code() checked=prefs.text_size == size />
                                    <span data-t=key>{label}</span>
                                </label>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <button type="submit" class="button" data-t="save">{t.save.as_str()}</button>
            </form>
        </details>
    }
}
