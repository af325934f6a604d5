// Stegvis, the staff pages rendered on the server only (no WASM there).
//
// The instrument upload (/admin/formular): puts the text of the file the
// admin picks into the form's text area, so the file is sent exactly as it
// is (its hash is its version). Without JavaScript the admin pastes the text.
document.addEventListener("change", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || input.id !== "instrument-file") return;
  const file = input.files && input.files[0];
  const area = document.getElementById("instrument-source");
  if (!file || !area) return;
  file.text().then((text) => {
    area.value = text;
    area.dispatchEvent(new Event("input", { bubbles: true }));
  });
});
