// The page mints links through the same `POST /v1/images/{id}/links` an API client uses (the
// session counts there because the request is same-origin), then previews the signed link.
const form = document.getElementById("tool");
const out = document.getElementById("link");
const img = document.getElementById("preview");
async function mint() {
  // Face crop: the faces decide the window, so fit and gravity are fixed; crop fixes the fit.
  form.fit.disabled = form.mode.value !== "resize";
  form.gravity.disabled = form.mode.value === "face";
  const data = Object.fromEntries([...new FormData(form)].filter(([, v]) => v !== ""));
  const id = data.id;
  delete data.id;
  if (data.mode === "face") Object.assign(data, { fit: "cover", gravity: "face" });
  if (data.mode === "crop") data.fit = "crop";
  delete data.mode;
  for (const k of ["w", "h", "dpr"]) if (k in data) data[k] = Number(data[k]);
  const res = await fetch("/v1/images/" + encodeURIComponent(id) + "/links", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(data),
  });
  const body = await res.json();
  if (!res.ok) {
    out.textContent = body.message;
    img.removeAttribute("src");
    img.hidden = true;
    return;
  }
  out.textContent = body.url;
  img.src = body.url;
  img.hidden = false;
}
form.addEventListener("submit", (e) => {
  e.preventDefault();
  mint();
});
form.addEventListener("change", () => {
  if (form.id.value) mint();
});
