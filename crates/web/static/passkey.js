// Passkeys (WebAuthn) for the sign-in and security pages: the server's options go to
// navigator.credentials, the authenticator's answer goes back, binary fields as base64url.
"use strict";
(function () {
  const b64 = {
    decode(s) {
      s = s.replace(/-/g, "+").replace(/_/g, "/");
      const bin = atob(s + "===".slice((s.length + 3) % 4));
      return Uint8Array.from(bin, (c) => c.charCodeAt(0)).buffer;
    },
    encode(buf) {
      const bytes = new Uint8Array(buf);
      let bin = "";
      for (const b of bytes) bin += String.fromCharCode(b);
      return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    },
  };

  async function post(url, csrf, body) {
    const r = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrf-token": csrf },
      body: JSON.stringify(body || {}),
      credentials: "same-origin",
    });
    const data = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(data.detail || r.statusText);
    return data;
  }

  function show(error) {
    const p = document.getElementById("passkey-error");
    if (p) { p.textContent = error.message || String(error); p.hidden = false; }
  }

  function encodeCredential(c) {
    const r = c.response;
    const response = { clientDataJSON: b64.encode(r.clientDataJSON) };
    if (r.attestationObject) response.attestationObject = b64.encode(r.attestationObject);
    if (r.authenticatorData) response.authenticatorData = b64.encode(r.authenticatorData);
    if (r.signature) response.signature = b64.encode(r.signature);
    if (r.userHandle) response.userHandle = b64.encode(r.userHandle);
    return { id: c.id, rawId: b64.encode(c.rawId), type: c.type, response };
  }

  const login = document.getElementById("passkey-login");
  if (login) {
    login.addEventListener("click", async () => {
      try {
        const csrf = login.dataset.csrf;
        const begun = await post("/login/passkey/begin", csrf);
        const pk = begun.publicKey;
        pk.challenge = b64.decode(pk.challenge);
        const cred = await navigator.credentials.get({ publicKey: pk });
        const done = await post("/login/passkey/finish", csrf, { ceremony: begun.ceremony, credential: encodeCredential(cred) });
        window.location.assign(done.redirect);
      } catch (e) { show(e); }
    });
  }

  const add = document.getElementById("passkey-add");
  if (add) {
    add.addEventListener("click", async () => {
      try {
        const csrf = add.dataset.csrf;
        const begun = await post("/security/passkeys/begin", csrf);
        const pk = begun.publicKey;
        pk.challenge = b64.decode(pk.challenge);
        pk.user.id = b64.decode(pk.user.id);
        pk.excludeCredentials = (pk.excludeCredentials || []).map((c) => ({ type: c.type, id: b64.decode(c.id) }));
        const cred = await navigator.credentials.create({ publicKey: pk });
        const name = document.getElementById("passkey-name").value;
        await post("/security/passkeys/finish", csrf, { ceremony: begun.ceremony, credential: encodeCredential(cred), name });
        window.location.reload();
      } catch (e) { show(e); }
    });
  }
})();
