// Small browser helpers the portal calls through JS interop. No secrets are kept here.
window.credentialPortal = {
  copy: async function (text) {
    try { await navigator.clipboard.writeText(text); return true; } catch { return false; }
  },
  // Passkeys (docs/design.md §6.9): the browser's half of the WebAuthn ceremonies. Options come from the portal, the
  // authenticator answers, the answer goes back to the portal, which checks it. Nothing secret passes through here.
  passkeys: {
    supported: function () {
      return typeof window.PublicKeyCredential === "function"
        && typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function"
        && typeof PublicKeyCredential.parseRequestOptionsFromJSON === "function";
    },
    post: async function (url, fields) {
      const response = await fetch(url, { method: "POST", credentials: "same-origin", cache: "no-store", body: new URLSearchParams(fields) });
      const text = await response.text();
      if (!response.ok) {
        let message = "The portal refused the request (" + response.status + ").";
        try { message = JSON.parse(text).error || message; } catch { }
        throw new Error(message);
      }
      return text;
    },
    failure: function (error) {
      return error && error.name === "NotAllowedError"
        ? "No passkey was provided: the request was cancelled or timed out."
        : (error && error.message) || "The passkey could not be used.";
    },
    // Creates a passkey for the signed-in person and stores it under the name given. Returns { name } or { error }.
    register: async function (token, name) {
      const passkeys = window.credentialPortal.passkeys;
      if (!passkeys.supported()) return { error: "This browser cannot create passkeys." };
      try {
        const options = JSON.parse(await passkeys.post("/account/passkeys/creation-options", { __RequestVerificationToken: token }));
        const credential = await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) });
        return JSON.parse(await passkeys.post("/account/passkeys", { __RequestVerificationToken: token, credential: JSON.stringify(credential), name: name }));
      } catch (error) {
        return { error: passkeys.failure(error) };
      }
    },
    // An assertion for a passkey of this portal, chosen by the person (no user name needed), as JSON for the portal.
    assert: async function (token) {
      const passkeys = window.credentialPortal.passkeys;
      if (!passkeys.supported()) throw new Error("This browser cannot use passkeys.");
      const options = JSON.parse(await passkeys.post("/account/passkeys/request-options", { __RequestVerificationToken: token }));
      const credential = await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
      return JSON.stringify(credential);
    },
    // Confirms a sensitive change with one of the signed-in person's passkeys. Returns { receipt } for the portal tab to
    // hand back to its circuit, or { error }.
    stepUp: async function (token, change) {
      const passkeys = window.credentialPortal.passkeys;
      if (!passkeys.supported()) return { error: "This browser cannot use passkeys." };
      try {
        const options = JSON.parse(await passkeys.post("/account/passkeys/step-up/options", { __RequestVerificationToken: token }));
        const credential = await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
        return JSON.parse(await passkeys.post("/account/passkeys/step-up", { __RequestVerificationToken: token, credential: JSON.stringify(credential), change: change }));
      } catch (error) {
        return { error: passkeys.failure(error) };
      }
    }
  },
  download: function (fileName, contentType, text) {
    const url = URL.createObjectURL(new Blob([text], { type: contentType }));
    const link = document.createElement("a");
    link.href = url;
    link.download = fileName;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
};

// "Sign in with a passkey" forms (static pages, so a document-wide listener): the form's submit first runs the
// ceremony, then posts the authenticator's answer (or why there is none) in its hidden fields.
document.addEventListener("submit", async function (event) {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-passkey-sign-in")) return;
  event.preventDefault();
  const fields = form.elements;
  try {
    fields.namedItem("Passkey.Credential").value = await window.credentialPortal.passkeys.assert(fields.namedItem("__RequestVerificationToken").value);
  } catch (error) {
    fields.namedItem("Passkey.Error").value = window.credentialPortal.passkeys.failure(error);
  }
  form.submit();
}, true);

// Keeps the sliding session cookie alive while the person works in this tab (all of which travels over the circuit,
// not as HTTP requests): on a click or key, at most every data-session-renew-seconds. An idle tab renews nothing.
(function () {
  const every = Number(document.body.dataset.sessionRenewSeconds || 0) * 1000;
  if (!every) return;
  let last = Date.now();
  const renew = function () {
    if (Date.now() - last < every) return;
    last = Date.now();
    fetch("/account/keepalive", { credentials: "same-origin", cache: "no-store" }).catch(function () { });
  };
  document.addEventListener("pointerdown", renew, { capture: true, passive: true });
  document.addEventListener("keydown", renew, { capture: true, passive: true });
})();

// A tab left in the background gives its server memory back: after data-circuit-pause-seconds hidden, the circuit is
// paused (its components' persistent state kept on the server, the circuit itself released) and resumed, without a
// page reload, when the tab is shown again. A circuit that cannot be resumed (the server restarted) reloads the page.
(function () {
  const after = Number(document.body.dataset.circuitPauseSeconds || 0) * 1000;
  if (!after || !window.Blazor) return;
  let timer = null;
  let paused = false;
  const resume = async function () {
    paused = false;
    try {
      if (!await Blazor.resumeCircuit()) location.reload();
    } catch {
      location.reload();
    }
  };
  document.addEventListener("visibilitychange", async function () {
    if (document.visibilityState === "hidden") {
      if (timer !== null || paused) return;
      timer = setTimeout(async function () {
        timer = null;
        if (document.visibilityState !== "hidden") return;
        paused = await Blazor.pauseCircuit();
        if (paused && document.visibilityState === "visible") await resume();
      }, after);
      return;
    }
    clearTimeout(timer);
    timer = null;
    if (paused) await resume();
  });
})();

// The light/dark choice, remembered for a year in a cookie the server reads when it prerenders the next page.
window.credentialPortal.rememberTheme = function (cookie, dark) {
  document.cookie = cookie + "=" + (dark ? "dark" : "light") + "; path=/; max-age=31536000; SameSite=Lax" + (location.protocol === "https:" ? "; Secure" : "");
};

// The portal's select-only comboboxes (FilterSelect) move with the arrow keys, Home, End and Space, which would also
// scroll the page; Blazor's preventDefault cannot depend on the key, so it is decided here (Tab and Escape pass).
document.addEventListener("keydown", function (event) {
  if (!(event.target instanceof Element) || !event.target.hasAttribute("data-portal-select")) return;
  if (["ArrowDown", "ArrowUp", "Home", "End", "PageUp", "PageDown", " ", "Enter"].includes(event.key)) event.preventDefault();
});
