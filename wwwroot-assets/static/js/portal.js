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
