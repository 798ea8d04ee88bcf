# Verifies Outlane's signed webhook (Outlane-Signature: t=<unix s>,v1=<hex HMAC-SHA256(secret, t + "." + body)>).
# raw_body: the request body as received (bytes, before JSON parsing). secrets: the valid secrets
# (two during a rotation). Returns True only for a valid signature made within `tolerance` seconds.
import hashlib, hmac, time

def verify_outlane(raw_body: bytes, header: str, secrets, tolerance: int = 300) -> bool:
    parts = dict(p.strip().split("=", 1) for p in (header or "").split(",") if "=" in p)
    try:
        t, given = int(parts["t"]), bytes.fromhex(parts["v1"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - t) > tolerance:
        return False
    signed = f"{t}.".encode() + raw_body
    return any(hmac.compare_digest(hmac.new(s.encode(), signed, hashlib.sha256).digest(), given)
               for s in secrets)
