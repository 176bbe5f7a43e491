// Scalar's standalone bundle (served from our own npm copy) renders the OpenAPI document.
// withDefaultFonts: false keeps it from loading fonts from Scalar's CDN.
Scalar.createApiReference("#app", {
  url: document.getElementById("app").dataset.url,
  withDefaultFonts: false,
  hideClientButton: false,
  telemetry: false,
});
