// Verifies Outlane's signed webhook (Outlane-Signature: t=<unix s>,v1=<hex HMAC-SHA256(secret, t + "." + body)>).
// rawBody: the request body as received (a Buffer, before JSON parsing). secrets: the valid secrets
// (two during a rotation). Returns true only for a valid signature made within `toleranceSec`.
const crypto = require('crypto');
function verifyOutlane(rawBody, header, secrets, toleranceSec = 300) {
  const parts = Object.fromEntries((header || '').split(',').map(p => p.trim().split('=', 2)));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceSec) return false;
  if (!/^[0-9a-f]{64}$/.test(parts.v1 || '')) return false;
  const given = Buffer.from(parts.v1, 'hex');
  return secrets.some(s => crypto.timingSafeEqual(
      crypto.createHmac('sha256', s).update(`${t}.`).update(rawBody).digest(), given));
}
module.exports = { verifyOutlane };
