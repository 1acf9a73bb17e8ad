// Small browser helpers the portal calls through JS interop. No secrets are kept here.
window.credentialPortal = {
  copy: async function (text) {
    try { await navigator.clipboard.writeText(text); return true; } catch { return false; }
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
