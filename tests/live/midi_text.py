"""MIDI messages as hex bytes <-> the text backend's event lines (data offset 1), for the live
end-to-end tests (jack_e2e.py, alsa_e2e.py), which compare what a live backend delivers with what
`mdc run --backend text` writes for the same input."""
import re


def hexs(values):
    return " ".join(f"{x:02X}" for x in values)


def to_text(port, b):
    """Hex bytes ('90 3C 64') on `port` -> a text-backend input line."""
    v = [int(x, 16) for x in b.split()]
    kind, ch = v[0] & 0xF0, (v[0] & 0x0F) + 1
    if v[0] == 0xF0:
        return f"SysExEvent({port}, '{b}')"
    if kind == 0x90:
        return f"NoteOnEvent({port}, {ch}, {v[1]}, {v[2]})" if v[2] else f"NoteOffEvent({port}, {ch}, {v[1]}, 0)"
    if kind == 0x80:
        return f"NoteOffEvent({port}, {ch}, {v[1]}, {v[2]})"
    if kind == 0xB0:
        return f"CtrlEvent({port}, {ch}, {v[1]}, {v[2]})"
    if kind == 0xC0:
        return f"ProgramEvent({port}, {ch}, {v[1] + 1})"
    raise ValueError(b)


def from_text(line):
    """A text-backend output line -> (port, hex bytes)."""
    m = re.match(r"(\w+)\((.*)\)$", line.strip())
    name, args = m.group(1), m.group(2)
    if name == "SysExEvent":
        port, data = re.match(r"(\d+), '([0-9A-F ]+)'", args).groups()
        return int(port), data
    a = [int(x) for x in args.split(",")]
    port, ch = a[0], a[1] - 1
    status = {"NoteOnEvent": 0x90, "NoteOffEvent": 0x80, "CtrlEvent": 0xB0, "ProgramEvent": 0xC0}[name]
    data = [a[2] - 1] if name == "ProgramEvent" else a[2:4]
    return port, hexs([status | ch, *data])
