#!/usr/bin/python3
"""Read every message an SMTP sink (or tlpress's outbox) delivered and check
it as its recipient would, with stock gpg and the stdlib email package.

  check_mail.py MAILDIR GNUPGHOME SIGNER_FPR CANARIES.tsv

MAILDIR holds one Maildir per recipient (MAILDIR/<address>/new/*), as
../shared/recipes/smtp_sink.py and tlpress's outbox store them.
CANARIES.tsv: "canary<TAB>TLP:LABEL" per line: a string that appears only in
a part of an advisory carrying that label.

For each message:
  multipart/encrypted: RFC 3156 structure; gpg decrypts it; it was encrypted
      to the recipient's own key and no other (ENC_TO); signed by SIGNER_FPR
      (VALIDSIG); the inner part carries the full subject (protected headers);
  multipart/signed: the signature over the first part (CRLF restored)
      verifies with SIGNER_FPR;
  anything else: refused (every mail tlpress sends is signed).
Then every canary in the readable text must carry a label at or below the
label of the message (its X-TLP header), and a message that is not
encrypted may hold CLEAR canaries only; a key notice holds none.

Prints one line per message: address, kind (encrypted, signed, notice),
label, Message-ID, subject; and one "LEAK ..." or "BAD ..." line per
problem. Exit 0 when there is none, 1 otherwise.
"""
import email
import email.policy
import os
import re
import subprocess
import sys
import tempfile

ORDER = ["TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED"]


def gpg(home, args, data):
    p = subprocess.run(["gpg", "--homedir", home, "--batch", "--no-tty", "--status-fd", "2"]
                       + args, input=data, capture_output=True)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


def key_ids(home, address):
    """Every key id and fingerprint of the keys that carry address."""
    p = subprocess.run(["gpg", "--homedir", home, "--batch", "--with-colons", "--list-keys",
                        "<%s>" % address], capture_output=True)
    ids = set()
    for line in p.stdout.decode(errors="replace").splitlines():
        f = line.split(":")
        if f[0] in ("pub", "sub") and len(f) > 4:
            ids.add(f[4].upper())
        if f[0] == "fpr":
            ids.add(f[9].upper())
            ids.add(f[9].upper()[-16:])
    return ids


def text_of(msg):
    out = []
    for part in msg.walk():
        if part.get_content_maintype() == "text":
            try:
                out.append(part.get_content())
            except Exception:
                out.append(part.get_payload(decode=True).decode("utf-8", "replace"))
    return "\n".join(out)


def first_part_bytes(raw, boundary):
    """The bytes of the first body part of a multipart, as signed (CRLF)."""
    b = b"--" + boundary.encode()
    start = raw.index(b + b"\n") + len(b) + 1
    end = raw.index(b"\n" + b, start)
    return raw[start:end].replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def main():
    maildir, home, signer, canfile = sys.argv[1:5]
    signer = signer.upper()
    canaries = []
    for line in open(canfile, encoding="utf-8"):
        line = line.rstrip("\n")
        if line and not line.startswith("#"):
            c, lab = line.split("\t")
            canaries.append((c, lab))
    problems = 0
    for rcpt in sorted(os.listdir(maildir)):
        box = os.path.join(maildir, rcpt, "new")
        if not os.path.isdir(box):
            continue
        mine = key_ids(home, rcpt)
        for name in sorted(os.listdir(box)):
            path = os.path.join(box, name)
            raw = open(path, "rb").read()
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            label = str(msg.get("X-TLP", "")).strip()
            subject = str(msg.get("Subject", ""))
            mid = str(msg.get("Message-ID", ""))
            ctype = msg.get_content_type()
            bad = []
            kind = "?"
            plain = ""
            if label not in ORDER:
                bad.append("no TLP label in X-TLP")
            if ctype == "multipart/encrypted":
                kind = "encrypted"
                parts = list(msg.iter_parts())
                if msg.get_param("protocol") != "application/pgp-encrypted" or len(parts) != 2 \
                        or parts[0].get_content_type() != "application/pgp-encrypted":
                    bad.append("not RFC 3156 multipart/encrypted")
                else:
                    rc, out, status = gpg(home, ["--decrypt"], parts[1].get_payload(decode=True))
                    enc_to = set(l.split()[2].upper() for l in status.splitlines()
                                 if l.startswith("[GNUPG:] ENC_TO "))
                    if rc or "DECRYPTION_OKAY" not in status:
                        bad.append("does not decrypt (rc %d)" % rc)
                    if not enc_to or not enc_to <= mine:
                        bad.append("encrypted to %s, not (only) to %s's key" %
                                   (" ".join(sorted(enc_to)), rcpt))
                    if not re.search(r"\[GNUPG:\] VALIDSIG %s\b" % signer, status) and \
                            not re.search(r"\[GNUPG:\] VALIDSIG \S+ .* %s$" % signer, status, re.M):
                        bad.append("not signed by the publisher's key")
                    inner = email.message_from_bytes(out, policy=email.policy.default)
                    if inner.get_param("protected-headers") != "v1" or not inner.get("Subject"):
                        bad.append("no protected headers inside")
                    else:
                        subject = str(inner.get("Subject"))
                    plain = text_of(inner)
            elif ctype == "multipart/signed":
                kind = "signed"
                parts = list(msg.iter_parts())
                boundary = msg.get_boundary()
                try:
                    signed = first_part_bytes(raw, boundary)
                except ValueError:
                    signed = b""
                    bad.append("cannot find the signed part")
                if len(parts) != 2 or parts[1].get_content_type() != "application/pgp-signature":
                    bad.append("not RFC 3156 multipart/signed")
                else:
                    with tempfile.NamedTemporaryFile() as f:
                        f.write(signed)
                        f.flush()
                        rc, _, status = gpg(home, ["--verify", "-", f.name],
                                            parts[1].get_payload(decode=True))
                    if rc or signer not in status:
                        bad.append("signature does not verify with the publisher's key")
                plain = text_of(parts[0]) if parts else ""
                if "key needs attention" in subject:
                    kind = "notice"
            else:
                bad.append("neither signed nor encrypted: %s" % ctype)
                plain = text_of(msg)
            if label in ORDER and label != "TLP:CLEAR" and kind not in ("encrypted", "notice"):
                bad.append("a %s message that is not encrypted" % label)
            mlevel = ORDER.index(label) if label in ORDER else -1
            for c, lab in canaries:
                if c in plain or c.encode() in raw:
                    if kind == "notice":
                        bad.append("LEAK %s (%s) in a key notice" % (c, lab))
                    elif ORDER.index(lab) > mlevel:
                        bad.append("LEAK %s (%s) in a %s message" % (c, lab, label))
                    elif kind != "encrypted" and lab != "TLP:CLEAR":
                        bad.append("LEAK %s (%s) in an unencrypted message" % (c, lab))
                    elif c.encode() in raw and kind == "encrypted":
                        bad.append("LEAK %s (%s) outside the encryption" % (c, lab))
            subject = " ".join(subject.split())
            print("%s\t%s\t%s\t%s\t%s" % (rcpt, kind, label, mid, subject))
            for b in bad:
                print("%s %s %s: %s" % ("LEAK" if b.startswith("LEAK") else "BAD", rcpt, name,
                                        b[5:] if b.startswith("LEAK ") else b))
                problems += 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
