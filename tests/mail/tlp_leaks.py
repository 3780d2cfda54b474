#!/usr/bin/python3
"""Count TLP leaks in what left tlpress: the web server's document root and
the messages an SMTP sink delivered, against the CANARIES.tsv that
bench/gen-corpus writes (canary, file, where, label, reason) and the
clearance of where each byte went. Standard library and stock gpg only.

  tlp_leaks.py site DOCROOT CANARIES.tsv
      Every file under DOCROOT is read whole. A canary whose reason is not
      `public` found there is a leak; a `public` canary found nowhere is
      MISSING; the id (or lower-case slug) of an advisory whose title
      canary is not `public` (unpublished as a whole) found there is a leak.

  tlp_leaks.py mail MAILDIR GNUPGHOME SIGNER_FPR CANARIES.tsv ADVDIR LISTS.tsv
      MAILDIR/<address>/new/* as the sink stores them. Each message is
      read as its recipient would: a multipart/encrypted one is decrypted
      with gpg (GNUPGHOME holds every recipient's secret key; the message
      must be encrypted to the recipient's keys only, and signed by
      SIGNER_FPR), a multipart/signed one verified. Every canary in it
      (outer bytes, decrypted bytes, every decoded part and header) is
      checked against the clearance of that recipient for that advisory,
      computed here from the advisory's front matter (ADVDIR/<file>:
      audience, recipients) and the lists (LISTS.tsv: name, tlp, audience
      or "*", mode, address, members file), independently of tlpress:
        - an audience route (the list's audience meets the advisory's):
          min(list tlp, GREEN);
        - a list named in recipients: its tlp, never RED, AMBER at most for
          a list-key list or a list of several organizations;
        - an address named in recipients: RED.
      A leak: a canary above that clearance; of another advisory; of a
      draft or an advisory under embargo; above CLEAR in a message that is
      not encrypted, or outside the encryption; anything in a key notice.
      BAD (not a leak, still a failure): does not decrypt, wrong key,
      unsigned, an X-TLP label above the recipient's clearance.

Prints one "LEAK ..." / "BAD ..." / "MISSING ..." line per problem, then
one totals line:
  site: "# L leaks in N files, K canaries checked (P public found, M missing)"
  mail: "# L leaks in M messages (E encrypted, S signed, T notices), K canaries checked, B bad"
With TLP_LEAKS_FOUND=FILE, mail also writes "address<TAB>canary<TAB>kind"
there for every canary found in a message.
Exit 0 when there is no problem, 1 otherwise.
"""
import concurrent.futures
import email
import email.policy
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_mail  # noqa: E402 (gpg, key_ids, first_part_bytes)
from check_mail import first_part_bytes, gpg  # noqa: E402

ORDER = ["TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED"]
RANK = {l: i for i, l in enumerate(ORDER)}
CLEAR, GREEN, AMBER, STRICT, RED = range(5)
CANARY = re.compile(rb"CANARY-[A-Z]+-[0-9]{7}")
ADV_ID = re.compile(r"\b([A-Z][A-Z0-9]*-[0-9]{4}-[0-9]{4,})\b")


def rank(label):
    label = label.strip().upper()
    if not label.startswith("TLP:"):
        label = "TLP:" + label
    return RANK[label]


def load_canaries(path):
    """canary -> (file, where, rank of label, reason)"""
    c = {}
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        can, fname, where, label, reason = line.split("\t")
        c[can] = (fname, where, rank(label), reason)
    return c


def file_id(fname):
    return fname[:-3] if fname.endswith(".md") else fname


# ---------------------------------------------------------------------------
# the web server's document root

def site(docroot, canfile):
    can = load_canaries(canfile)
    unpublished = set(file_id(f) for (f, where, _, reason) in can.values()
                      if where == "title" and reason != "public")
    unpub_re = None
    if unpublished:
        alts = sorted(unpublished) + sorted(i.lower() for i in unpublished)
        unpub_re = re.compile(rb"(?<![A-Za-z0-9-])(" + b"|".join(re.escape(a.encode()) for a in alts)
                              + rb")(?![0-9])")
    seen = set()
    leaks = files = 0
    for top, dirs, names in os.walk(docroot):
        dirs.sort()
        for n in sorted(names):
            path = os.path.join(top, n)
            rel = os.path.relpath(path, docroot)
            data = open(path, "rb").read()
            files += 1
            for m in sorted(set(CANARY.findall(data))):
                c = m.decode()
                info = can.get(c)
                if info is None:
                    print("LEAK %s: %s is not in CANARIES.tsv" % (rel, c))
                    leaks += 1
                elif info[3] != "public":
                    print("LEAK %s: %s (%s, %s, %s) on the public site"
                          % (rel, c, info[0], ORDER[info[2]], info[3]))
                    leaks += 1
                else:
                    seen.add(c)
            if unpub_re:
                for m in sorted(set(unpub_re.findall(data))):
                    print("LEAK %s: names %s, which is not published" % (rel, m.decode()))
                    leaks += 1
    public = [c for c, i in can.items() if i[3] == "public"]
    missing = [c for c in public if c not in seen]
    for c in sorted(missing):
        print("MISSING %s (%s, %s): a public canary not on the site" % (c, can[c][0], can[c][1]))
    print("# %d leaks in %d files, %d canaries checked (%d public found, %d missing)"
          % (leaks, files, len(can), len(seen), len(missing)))
    return 1 if leaks or missing else 0


# ---------------------------------------------------------------------------
# the delivered messages

def front_matter(path):
    """id, audience (set or None: all), recipients (lower-case set)"""
    text = open(path, encoding="utf-8").read()
    fm = text.split("\n---\n", 1)[0]
    aid, aud, rcpts, in_r = None, None, set(), False
    for line in fm.splitlines():
        if in_r:
            if line.startswith("  - ") or line.startswith("- "):
                rcpts.add(line.split("- ", 1)[1].strip().strip("\"'").lower())
                continue
            in_r = False
        m = re.match(r"^(\w+):\s*(.*)$", line)
        if not m:
            continue
        k, v = m.group(1), m.group(2).split(" #")[0].strip()
        if k == "id":
            aid = v.strip("\"'")
        elif k == "audience":
            aud = set(x.strip().strip("\"'") for x in v.strip("[]").split(",") if x.strip())
        elif k == "recipients":
            if v.startswith("["):
                rcpts |= set(x.strip().strip("\"'").lower() for x in v.strip("[]").split(",")
                             if x.strip())
            else:
                in_r = True
    return aid, aud, rcpts


class List:
    def __init__(self, line, base):
        name, tlp, aud, mode, address, members = line.rstrip("\n").split("\t")
        self.name, self.tlp, self.mode, self.address = name, rank(tlp), mode, address.lower()
        self.audience = None if aud == "*" else set(aud.split(","))
        self.members, orgs = set(), set()
        if mode == "list-key":
            self.members.add(self.address)
        else:
            for m in open(os.path.join(base, members), encoding="utf-8"):
                f = m.split()
                if not f or f[0].startswith("#"):
                    continue
                self.members.add(f[0].lower())
                orgs.add(" ".join(f[2:]) if len(f) > 2 else "\0" + f[0].lower())
        self.single_org = mode != "list-key" and len(orgs) == 1


def clearance(addr, adv, lists):
    """The highest label addr may read of advisory adv (-1: nothing)."""
    _, aud, rcpts = adv
    best = -1
    for l in lists:
        if addr not in l.members:
            continue
        if l.audience is None or aud is None or l.audience & aud:
            best = max(best, min(l.tlp, GREEN))
        if l.name.lower() in rcpts or l.address in rcpts:
            cap = min(l.tlp, STRICT)
            if cap == STRICT and not l.single_org:
                cap = AMBER
            best = max(best, cap)
    if addr in rcpts:
        best = RED
    return best


_keys = {}


def key_ids(home, address):
    if address not in _keys:
        _keys[address] = check_mail.key_ids(home, address)
    return _keys[address]


def readable(msg):
    """Every decoded part and header of msg, as bytes."""
    out = []
    for part in msg.walk():
        for k, v in part.items():
            out.append(("%s: %s" % (k, v)).encode("utf-8", "replace"))
        if not part.is_multipart():
            p = part.get_payload(decode=True)
            if p:
                out.append(p)
    return b"\n".join(out)


def read_message(home, signer, rcpt, path):
    """(kind, X-TLP, subject, outer bytes, inner readable bytes, bad list)"""
    raw = open(path, "rb").read()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    label = str(msg.get("X-TLP", "")).strip()
    subject = " ".join(str(msg.get("Subject", "")).split())
    bad, kind, inner = [], "plain", b""
    ctype = msg.get_content_type()
    if ctype == "multipart/encrypted":
        kind = "encrypted"
        parts = list(msg.iter_parts())
        if len(parts) != 2 or parts[0].get_content_type() != "application/pgp-encrypted":
            bad.append("not RFC 3156 multipart/encrypted")
        else:
            rc, out, status = gpg(home, ["--decrypt"], parts[1].get_payload(decode=True))
            enc_to = set(l.split()[2].upper() for l in status.splitlines()
                         if l.startswith("[GNUPG:] ENC_TO "))
            if rc or "DECRYPTION_OKAY" not in status:
                bad.append("does not decrypt (gpg exit %d)" % rc)
            mine = key_ids(home, rcpt)
            if not enc_to or not enc_to <= mine:
                bad.append("encrypted to %s, not only to %s's key" % (" ".join(sorted(enc_to)), rcpt))
            if not re.search(r"\[GNUPG:\] VALIDSIG .*\b%s\b" % signer, status):
                bad.append("not signed by the publisher's key")
            im = email.message_from_bytes(out, policy=email.policy.default)
            inner = out + b"\n" + readable(im)
    elif ctype == "multipart/signed":
        kind = "signed"
        parts = list(msg.iter_parts())
        try:
            signed = first_part_bytes(raw, msg.get_boundary())
        except (ValueError, AttributeError):
            signed = b""
            bad.append("cannot find the signed part")
        if len(parts) != 2 or parts[1].get_content_type() != "application/pgp-signature":
            bad.append("not RFC 3156 multipart/signed")
        else:
            with tempfile.NamedTemporaryFile() as f:
                f.write(signed)
                f.flush()
                rc, _, status = gpg(home, ["--verify", "-", f.name], parts[1].get_payload(decode=True))
            if rc or signer not in status:
                bad.append("signature does not verify with the publisher's key")
        if "key needs attention" in subject:
            kind = "notice"
    else:
        bad.append("neither signed nor encrypted: %s" % ctype)
    outer = raw + b"\n" + readable(msg)
    return kind, label, subject, outer, inner, bad


def mail(maildir, home, signer, canfile, advdir, listfile):
    signer = signer.upper()
    can = load_canaries(canfile)
    lists = [List(l, os.path.dirname(os.path.abspath(listfile)))
             for l in open(listfile, encoding="utf-8") if l.strip() and not l.startswith("#")]
    advs = {}
    for n in os.listdir(advdir):
        if n.endswith(".md"):
            a = front_matter(os.path.join(advdir, n))
            advs[a[0]] = a
    jobs = []
    for rcpt in sorted(os.listdir(maildir)):
        box = os.path.join(maildir, rcpt, "new")
        if os.path.isdir(box):
            jobs += [(rcpt, os.path.join(box, n)) for n in sorted(os.listdir(box))]
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
        results = list(ex.map(lambda j: read_message(home, signer, j[0], j[1]), jobs))
    found = open(os.environ["TLP_LEAKS_FOUND"], "w") if os.environ.get("TLP_LEAKS_FOUND") else None
    leaks = nbad = checked = 0
    kinds = {"encrypted": 0, "signed": 0, "notice": 0, "plain": 0}
    for (rcpt, path), (kind, label, subject, outer, inner, bad) in zip(jobs, results):
        kinds[kind] += 1
        name = "%s %s" % (rcpt, os.path.basename(path))
        m = ADV_ID.search(subject)
        adv = advs.get(m.group(1)) if m else None
        if adv is None:
            bad.append("no advisory id in the subject %r" % subject)
            clr = -1
        else:
            clr = clearance(rcpt.lower(), adv, lists)
            if clr < 0:
                leaks += 1
                print("LEAK %s: %s reached %s, who is on no route for it" % (name, adv[0], rcpt))
            if label in RANK and RANK[label] > clr:
                bad.append("labelled %s, the recipient is cleared for %s"
                           % (label, ORDER[clr] if clr >= 0 else "nothing"))
        if label not in RANK:
            bad.append("no TLP label in X-TLP")
        found_out = set(x.decode() for x in CANARY.findall(outer))
        found_in = set(x.decode() for x in CANARY.findall(inner))
        for c in sorted(found_out | found_in):
            checked += 1
            if found:
                found.write("%s\t%s\t%s\n" % (rcpt, c, kind))
            info = can.get(c)
            why = None
            if info is None:
                why = "not in CANARIES.tsv"
            else:
                fname, where, lab, reason = info
                if kind == "notice":
                    why = "in a key notice"
                elif reason in ("draft", "embargo"):
                    why = "of a %s" % ("draft" if reason == "draft" else "advisory under embargo")
                elif adv is None or file_id(fname) != adv[0]:
                    why = "of %s, in a message about %s" % (file_id(fname), adv[0] if adv else "?")
                elif lab > clr:
                    why = "%s, above the recipient's clearance %s" % (
                        ORDER[lab], ORDER[clr] if clr >= 0 else "(none)")
                elif lab > CLEAR and kind != "encrypted":
                    why = "%s in a message that is not encrypted" % ORDER[lab]
                elif lab > CLEAR and c in found_out:
                    why = "%s outside the encryption" % ORDER[lab]
            if why:
                leaks += 1
                print("LEAK %s: %s %s" % (name, c, why))
        for b in bad:
            nbad += 1
            print("BAD %s: %s" % (name, b))
    print("# %d leaks in %d messages (%d encrypted, %d signed, %d notices), %d canaries checked, %d bad"
          % (leaks, len(jobs), kinds["encrypted"], kinds["signed"], kinds["notice"], checked, nbad))
    return 1 if leaks or nbad else 0


def main(argv):
    if len(argv) == 4 and argv[1] == "site":
        return site(argv[2], argv[3])
    if len(argv) == 8 and argv[1] == "mail":
        return mail(*argv[2:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
