#!/usr/bin/python3
"""End-to-end tests of `mdc run --backend alsa` against the kernel's ALSA sequencer: each test runs
mdc on a patch and drives it with mdc_alsa_probe (a real sequencer client that sends scripted MIDI
and prints what comes back, in order), and compares with the text backend's output for the same
input. Needs /dev/snd/seq: run it directly where one exists, or inside the QEMU guest of
alsa_vm_run.sh (alsa_live.sh picks).
  usage: alsa_e2e.py MDC PROBE
"""
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

from midi_text import from_text, hexs, to_text

MDC, PROBE = sys.argv[1], sys.argv[2]
TAG = f"{os.getpid()}"
TMP = tempfile.mkdtemp(prefix="mdc_alsa_")
failures = []
passed = 0
t0 = time.time()


def check(cond, what):
    global passed
    if cond:
        passed += 1
        print(f"ok   {time.time() - t0:5.1f} s  {what.split(':')[0]}", flush=True)
    else:
        failures.append(what)
        print(f"FAIL {what}", flush=True)


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def text_backend(patch, sends):
    """What `mdc run --backend text` writes for the (port, hex) inputs, as (port, hex)."""
    path = f"{TMP}/text_patch.mdp"
    write(path, patch.replace("CLIENT", "textclient"))
    r = subprocess.run([MDC, "run", "--backend", "text", path], input="".join(to_text(p, b) + "\n" for p, b in sends),
                       capture_output=True, text=True)
    if r.returncode != 0:
        print(f"  text backend failed: {r.stderr.strip()}")
    return [from_text(l) for l in r.stdout.splitlines() if l.strip()]


class Run:
    """mdc on a patch; its stdout and stderr collected in the background."""

    def __init__(self, name, patch, args=()):
        self.client = f"mdc{TAG}{name}"
        write(f"{TMP}/{name}.mdp", patch.replace("CLIENT", self.client))
        self.proc = subprocess.Popen([MDC, "run", "--backend", "alsa", f"{TMP}/{name}.mdp", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.out, self.err = [], []
        self.readers = [threading.Thread(target=self._read, args=(s, l), daemon=True)
                        for s, l in ((self.proc.stdout, self.out), (self.proc.stderr, self.err))]
        for t in self.readers:
            t.start()

    @staticmethod
    def _read(stream, lines):
        for line in stream:
            lines.append(line.rstrip("\n"))

    def wait_running(self, timeout=15):
        end = time.time() + timeout
        while time.time() < end and self.proc.poll() is None:
            if any("running as ALSA sequencer client" in l for l in self.err):
                return True
            time.sleep(0.02)
        return False

    def stop(self, sig=signal.SIGINT):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            self.err.append("(mdc hung and was killed)")
        for t in self.readers:
            t.join(5)
        return self.proc.returncode


class Probe:
    """mdc_alsa_probe; its lines collected in the background."""

    def __init__(self, name, script, expect, to, frm, timeout=20, piece=None, extra=()):
        write(f"{TMP}/{name}.script", "".join(f"{p} {b}\n" for p, b in script))
        args = [PROBE, "--name", name, "--script", f"{TMP}/{name}.script", "--expect", str(expect), "--timeout", str(timeout)]
        for t in to:
            args += ["--to", t]
        for f in frm:
            args += ["--from", f]
        if piece:
            args += ["--sysex-piece", str(piece)]
        args += list(extra)
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def received(self):
        return [(int(l.split(" ", 2)[1]), l.split(" ", 2)[2]) for l in list(self.lines) if l.startswith("recv ")]

    def wait_received(self, n, timeout=15):
        end = time.time() + timeout
        while time.time() < end and len(self.received()) < n and self.proc.poll() is None:
            time.sleep(0.02)
        return len(self.received()) >= n

    def finish(self, timeout=30):
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(5)
        err = self.proc.stderr.read().strip()
        if err:
            print(f"  probe said: {err}")
        return self.received()


def case(name, patch, script, expect, in_ports=("in_1",), out_ports=("out_1",), mdc_args=(), piece=None, probe_args=()):
    """Runs mdc and a probe connected to all its ports; returns (received, mdc rc, mdc run)."""
    started = time.time()
    run = Run(name, patch, mdc_args)
    if not run.wait_running():
        run.stop()
        check(False, f"{name}: mdc starts ({' | '.join(run.err)[-300:]})")
        return [], None, run
    probe = Probe(f"probe{TAG}{name}", script, expect, [f"{run.client}:{p}" for p in in_ports], [f"{run.client}:{p}" for p in out_ports],
                  piece=piece, extra=probe_args)
    got = probe.finish()
    rc = run.stop()
    print(f"  {name}: {time.time() - started:.1f} s", flush=True)
    return got, rc, run


def sysex(n, seed):
    return hexs([0xF0, *[(seed + i * 7) % 128 for i in range(n - 2)], 0xF7])


# 1. Through a patch: a burst over two ports, with SysEx of several KB among the notes, leaves as
#    the text backend says, in order (the probe's two input ports share one arrival order).
PATCH_BURST = """from mididings import *
config(client_name='CLIENT', in_ports=2, out_ports=2)
run([Transpose(12), Filter(NOTEON) >> Port(2) >> Velocity(offset=-1)])
"""
burst = []
for i in range(120):
    burst.append((1 + i % 2, hexs([0x90 | (i % 3), 30 + i % 60, 10 + i % 100])))
    if i == 40:
        burst.append((1, sysex(6000, 1)))
    if i == 80:
        burst.append((2, sysex(3000, 5)))
burst.append((1, "B0 07 64"))
burst.append((2, "80 3C 00"))
expected = text_backend(PATCH_BURST, burst)
for piece in (None, 200):
    how = "SysEx in one event" if piece is None else f"SysEx in pieces of {piece} bytes"
    got, rc, run = case(f"burst{piece or 0}", PATCH_BURST, burst, len(expected), in_ports=("in_1", "in_2"),
                        out_ports=("out_1", "out_2"), piece=piece)
    check(rc == 0, f"burst ({how}): mdc exits 0 on Ctrl-C (got {rc}: {' | '.join(run.err)[-300:]})")
    check(len(expected) > 240 and got == expected,
          f"burst ({how}): {len(got)} events equal the text backend's {len(expected)}, in order"
          + ("" if got == expected else f" (first difference at {next((i for i, (a, b) in enumerate(zip(got, expected)) if a != b), min(len(got), len(expected)))})"))
    check(not any("warning" in l for l in run.err), f"burst ({how}): nothing dropped or invalid ({[l for l in run.err if 'warning' in l]})")

# 2. A note-on with velocity 0 reaches the patch as a note-off (the patch tells them apart), and
#    --trace shows every event in and out with its port names.
PATCH_VEL0 = """from mididings import *
config(client_name='CLIENT', in_ports=['keys'], out_ports=['synth'])
run([Filter(NOTEOFF) >> Transpose(12), Filter(NOTEON) >> Transpose(24)])
"""
got, rc, run = case("vel0", PATCH_VEL0, [(1, "90 3C 00"), (1, "90 3C 40"), (1, "80 3C 40")], 3, ("keys",), ("synth",), ("--trace",))
check([b for _, b in got] == ["80 48 00", "90 54 40", "80 48 40"], f"velocity-0 note-on arrives as a note-off: {[b for _, b in got]}")
check("in  keys: NoteOffEvent(1, 1, 60, 0)" in run.out and "out synth: NoteOffEvent(1, 1, 72, 0)" in run.out,
      f"--trace names ports and shows the note-off: {run.out[:4]}")

# 3. Ports that appear after mdc started are connected by pattern (ALSA announcements): the
#    input by client and port name, the output by client name and port number.
probe_name = f"probe{TAG}later"
PATCH_LATER = f"""from mididings import *
config(client_name='CLIENT', in_ports=[('in_1', '{probe_name}:out_.*')], out_ports=[('out_1', '{probe_name}:1')])
run(Transpose(1))
"""
run = Run("later", PATCH_LATER)
if run.wait_running():
    time.sleep(0.3)  # mdc is idle, its ports made and connected to nothing
    probe = Probe(probe_name, [(1, "90 3C 64")], 1, ["auto"], ["auto"])
    got = probe.finish()
    check([b for _, b in got] == ["90 3D 64"], f"ports that appear later are connected by pattern: {got}")
    ports = subprocess.run([MDC, "ports"], capture_output=True, text=True).stdout
    check(re.search(rf"destination +\d+:0  {run.client}:in_1", ports) and re.search(r"both +14:0  Midi Through:Midi Through Port-0", ports),
          f"mdc ports lists ALSA ports: {ports.strip()[-400:]}")
else:
    check(False, f"later: mdc starts ({' | '.join(run.err)[-300:]})")
run.stop()

# 4. Ctrl-C releases a held note and pedal through the port before mdc closes.
PATCH_PASS = """from mididings import *
config(client_name='CLIENT')
run(Pass())
"""
run = Run("release", PATCH_PASS)
if run.wait_running():
    probe = Probe(f"probe{TAG}release", [(1, "90 3C 64"), (1, "B0 40 7F")], 4, [f"{run.client}:in_1"], [f"{run.client}:out_1"])
    probe.wait_received(2)
    rc = run.stop(signal.SIGINT)
    got = probe.finish()
    check([b for _, b in got] == ["90 3C 64", "B0 40 7F", "80 3C 00", "B0 40 00"], f"Ctrl-C releases the held note and pedal: {got}")
    check(rc == 0, f"Ctrl-C: exit 0 (got {rc}: {' | '.join(run.err)[-300:]})")
else:
    check(False, f"release: mdc starts ({' | '.join(run.err)[-300:]})")
    run.stop()

# 5. SIGTERM too, and a bad pattern is refused before any client is made.
run = Run("term", PATCH_PASS)
check(run.wait_running() and run.stop(signal.SIGTERM) == 0, f"SIGTERM: exit 0 ({' | '.join(run.err)[-300:]})")
bad = Run("bad", """from mididings import *
config(client_name='CLIENT', in_ports=[('in_1', 'x(')])
run(Pass())
""")
try:
    bad.proc.wait(10)
except subprocess.TimeoutExpired:
    pass
rc = bad.stop()
check(rc == 69 and any("input port 'in_1': pattern 'x('" in l for l in bad.err), f"a bad pattern: exit 69 with a message ({rc}: {bad.err})")

# 6. A slow receiver with a small queue (40 events of the kernel's pool) gets a 20 KB SysEx and
#    a burst of notes whole and in order: mdc waits for it rather than overrunning its queue.
slow_script = [(1, sysex(20000, 3))] + [(1, hexs([0x90, 40 + i % 40, 50])) for i in range(300)]
got, rc, run = case("slow", PATCH_PASS, slow_script, len(slow_script), probe_args=("--input-pool", "40", "--read-pause", "2"))
check([b for _, b in got] == [b for _, b in slow_script], f"a slow receiver gets everything in order ({len(got)} of {len(slow_script)} events)")
check(rc == 0 and not any("warning" in l for l in run.err), f"a slow receiver: nothing dropped ({rc}: {' | '.join(run.err)[-300:]})")

# 7. Python on the sequencer: Process on the engine's thread; Call (with output_event) and a
#    MIDIMonster handler behind a mapping line in event order on the one worker thread.
write(f"{TMP}/alsa_py.py", """import os, threading
from mididings import *
from mididings.engine import output_event

def _thread():
    with open("/proc/self/task/%d/comm" % threading.get_native_id()) as f:
        return f.read().strip()

def up(ev):
    ev.note += 12
    return ev

def mark(ev):
    with open(os.path.join(os.path.dirname(__file__), "order.txt"), "a") as f:
        f.write("call %d %s\\n" % (ev.note, _thread()))
    output_event(CtrlEvent(1, 1, 20, ev.note))
""")
write(f"{TMP}/alsa_handlers.py", """import os, threading
import midimonster

def invert(value):
    with open("/proc/self/task/%d/comm" % threading.get_native_id()) as f:
        name = f.read().strip()
    with open(os.path.join(os.path.dirname(__file__), "order.txt"), "a") as f:
        f.write("handler %d %s\\n" % (round(value * 127), name))
    midimonster.output("out", 1 - value)
""")
py_patch = """from mididings import *
import alsa_py
config(client_name='CLIENT')
py1 = python("alsa_handlers.py")
py1.alsa_handlers.invert < in_1.ch0.cc7
py1.out > out_1.ch0.cc10
run(Filter(NOTE) >> Fork([Process(alsa_py.up), Call(alsa_py.mark)]))
"""
got, rc, run = case("python", py_patch, [(1, "90 3C 64"), (1, "B0 07 7F"), (1, "90 3E 64")], 5)
check(sorted(b for _, b in got) == sorted(["90 48 64", "B0 14 3C", "B0 0A 00", "90 4A 64", "B0 14 3E"]),
      f"Python on ALSA: Process, Call's output_event and a handler ({got}; {' | '.join(run.err)[-300:]})")
order = open(f"{TMP}/order.txt").read().splitlines() if os.path.exists(f"{TMP}/order.txt") else []
check(order == ["call 60 mdc-worker", "handler 127 mdc-worker", "call 62 mdc-worker"], f"Python on ALSA: Call and handler in order on the worker: {order}")
check(rc == 0, f"Python on ALSA: exit 0 ({rc}: {' | '.join(run.err)[-300:]})")

# 8. OSC on the sequencer: OSCInterface switches scenes and quits mdc, and notifies the scene.
def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


osc_port, notify_port = free_port(), free_port()
dump = subprocess.Popen(["oscdump", "-L", str(notify_port)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
dumped = []
threading.Thread(target=lambda: [dumped.append(l.split(" ", 1)[-1].strip()) for l in dump.stdout], daemon=True).start()
time.sleep(0.5)  # oscdump binds its port
run = Run("osc", f"""from mididings import *
from mididings.extra.osc import OSCInterface
config(client_name='CLIENT')
hook(OSCInterface(port={osc_port}, notify_ports=[{notify_port}]))
run(scenes={{1: Scene('one', Transpose(1)), 2: Scene('two', Transpose(2))}})
""")
if run.wait_running():
    subprocess.run(["oscsend", "localhost", str(osc_port), "/mididings/switch_scene", "i", "2"], check=True)
    end = time.time() + 10
    while time.time() < end and "/mididings/current_scene ii 2 1" not in dumped:
        time.sleep(0.05)
    check("/mididings/current_scene ii 2 1" in dumped, f"OSC on ALSA: switch_scene 2 notified ({dumped})")
    probe = Probe(f"probe{TAG}osc", [(1, "90 3C 64")], 1, [f"{run.client}:in_1"], [f"{run.client}:out_1"])
    got = probe.finish()
    check([b for _, b in got] == ["90 3E 64"], f"OSC on ALSA: scene 2 plays after the switch: {got}")
    subprocess.run(["oscsend", "localhost", str(osc_port), "/mididings/quit"], check=True)
    try:
        rc = run.proc.wait(15)
    except subprocess.TimeoutExpired:
        rc = run.stop()
    run.stop()
    check(rc == 0, f"OSC on ALSA: /mididings/quit stops mdc with exit 0 ({rc}: {' | '.join(run.err)[-300:]})")
else:
    run.stop()
    check(False, f"osc: mdc starts ({' | '.join(run.err)[-300:]})")
dump.terminate()
dump.wait(5)


print(f"{passed} passed, {len(failures)} failed ({time.time() - t0:.1f} s)")
sys.exit(1 if failures else 0)
