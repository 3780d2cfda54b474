#!/usr/bin/python3
"""tests/hostile/inert.py - is what tlpress wrote from hostile input inert?

Used by tests/cli/0022-hostile.t and tests/cli/0084-hostile-table.t. Each
command prints one 'problem: ...' line per problem and exits 1 when there
is any, 0 when there is none.

  inert.py html FILE...    no element that runs or loads code (script,
                           iframe, object, embed, style, base, form, ...),
                           no on* event handler, no javascript:, vbscript:,
                           data: or file: link (as a browser reads the
                           scheme: case, blanks and control characters
                           ignored), no meta refresh, no bidirectional
                           override
  inert.py site DIR        every file of a built tree: the HTML as above,
                           the feed well-formed and read by feedparser
                           without a bozo error, every XML document
                           well-formed, every JSON document valid
  inert.py mail [--subject TEXT] FILE...
                           each file one message as the recipient's
                           program reads it (python's email module): no
                           header but those tlpress writes (and a Maildir
                           adds), From, To, Subject, Date and Message-ID
                           once each, To one plain address (the Maildir's
                           folder name when the file is in one), no Cc or
                           Bcc, a Subject without a line break once
                           decoded (equal to TEXT when given), no parser
                           defect, every text/html part inert as above,
                           and no bidirectional control in the Subject
                           or a text/plain part
"""
import email
import email.policy
import json
import os
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

BAD_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet",
            "style", "base", "form", "link-import", "portal"}
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "poster", "background",
             "srcset", "data", "codebase", "cite", "ping"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")
BIDI = ("\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
        "\u2069")


def browser_scheme(value):
    """The URL as a browser reads its scheme: C0 controls and spaces
    stripped at both ends, tabs and line breaks removed, lower case."""
    v = value.strip("".join(chr(c) for c in range(0x21)))
    return "".join(ch for ch in v if ch not in "\t\n\r").lower()


class Inert(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag in BAD_TAGS:
            self.problems.append("element <%s>" % tag)
        for k, v in attrs:
            k = k.lower()
            if k.startswith("on"):
                self.problems.append("event handler %s=%r on <%s>" % (k, v, tag))
            if k == "srcdoc":
                self.problems.append("srcdoc on <%s>" % tag)
            if k in URL_ATTRS and v and browser_scheme(v).startswith(BAD_SCHEMES):
                self.problems.append("%s=%r on <%s>" % (k, v, tag))
            if tag == "meta" and k == "http-equiv" and v and v.lower() == "refresh":
                self.problems.append("<meta http-equiv=refresh>")
            if k == "style" and v and ("expression(" in v.lower() or "url(" in v.lower()):
                self.problems.append("style=%r on <%s>" % (v, tag))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


def bidi_problems(text, where):
    return ["%s: bidirectional control U+%04X" % (where, ord(c)) for c in BIDI if c in text]


def html_problems(text, where):
    p = Inert()
    p.feed(text)
    p.close()
    return ["%s: %s" % (where, q) for q in p.problems] + bidi_problems(text, where)


def html_files(paths):
    out = []
    for f in paths:
        with open(f, encoding="utf-8") as fh:
            out += html_problems(fh.read(), f)
    return out


def feed_problems(path):
    out = []
    try:
        ET.parse(path)
    except ET.ParseError as e:
        return ["%s: not well-formed XML: %s" % (path, e)]
    try:
        import feedparser
    except ImportError:
        return out
    d = feedparser.parse(path)
    if d.bozo:
        out.append("%s: feedparser: %s" % (path, d.bozo_exception))
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    if "<script" in text:
        out.append("%s: a raw <script in the XML" % path)
    return out + bidi_problems(text, path)


def site_problems(root):
    out = []
    n = 0
    for dirpath, dirnames, files in os.walk(root):
        for name in files:
            f = os.path.join(dirpath, name)
            n += 1
            if name.endswith(".html"):
                out += html_files([f])
            elif name == "feed.xml":
                out += feed_problems(f)
            elif name.endswith(".xml"):
                try:
                    ET.parse(f)
                except ET.ParseError as e:
                    out.append("%s: not well-formed XML: %s" % (f, e))
            elif name.endswith(".json"):
                try:
                    with open(f, encoding="utf-8") as fh:
                        json.load(fh)
                except ValueError as e:
                    out.append("%s: not JSON: %s" % (f, e))
    if not n:
        out.append("%s: nothing was built" % root)
    return out


KNOWN_HEADERS = {"return-path", "x-original-to", "delivered-to", "received", "from", "to",
                 "subject", "date", "message-id", "mime-version", "x-tlp", "auto-submitted",
                 "content-type", "content-transfer-encoding", "content-disposition",
                 "content-description", "in-reply-to", "references"}
ONCE = ("from", "to", "subject", "date", "message-id")


def mail_problems(path, subject=None):
    out = []
    with open(path, "rb") as fh:
        m = email.message_from_binary_file(fh, policy=email.policy.default)
    if m.defects:
        out.append("%s: parser defects %s" % (path, m.defects))
    names = [k.lower() for k in m.keys()]
    for k in names:
        if k not in KNOWN_HEADERS:
            out.append("%s: header %r" % (path, k))
    for k in ONCE:
        if names.count(k) != 1:
            out.append("%s: %d %s: headers" % (path, names.count(k), k))
    to = m.get_all("To") or []
    addrs = [a.addr_spec for h in to for a in h.addresses]
    folder = os.path.basename(os.path.dirname(os.path.dirname(path)))
    if len(addrs) != 1 or ("@" in folder and addrs[0] != folder):
        out.append("%s: To: %r (folder %s)" % (path, addrs, folder))
    subj = str(m.get("Subject", ""))
    if "\r" in subj or "\n" in subj:
        out.append("%s: a line break in the decoded Subject %r" % (path, subj))
    if subject is not None and subj != subject:
        out.append("%s: Subject %r, not %r" % (path, subj, subject))
    out += bidi_problems(subj, path + " (Subject)")
    for part in m.walk():
        if part.get_content_type() == "text/html":
            out += html_problems(part.get_content(), path + " (text/html)")
        elif part.get_content_type() == "text/plain":
            out += bidi_problems(part.get_content(), path + " (text/plain)")
    return out


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    what, args = argv[1], argv[2:]
    if what == "html":
        problems = html_files(args)
    elif what == "site":
        problems = site_problems(args[0])
    elif what == "mail":
        subject = None
        if args[:1] == ["--subject"]:
            subject, args = args[1], args[2:]
        problems = [] if args else ["no message"]
        for f in args:
            problems += mail_problems(f, subject)
    else:
        sys.stderr.write(__doc__)
        return 2
    for q in problems:
        print("problem:", q)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
