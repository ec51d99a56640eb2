#!/usr/bin/python3
"""MIDIMonster handlers live on JACK (private `jackd -d dummy` servers, driven by mdc_jack_probe as
in jack_e2e.py): a handler through mapping lines on jack and jack-rt, that handlers run on the
worker thread (mdc-worker, the one that also runs Call, System and Print), never on JACK's
process thread, `interval` on the worker's clock, and a full worker queue reported while MIDI
keeps flowing.
  usage: jack_midimonster.py MDC PROBE
"""
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

from jack_harness import Server, check, finish, stop_mdc  # a private jackd with the dummy driver, the tally, Ctrl-C to mdc

MDC, PROBE = sys.argv[1], sys.argv[2]
TAG = f"mm{os.getpid()}"

HANDLERS = '''
import os, threading, time
import midimonster

def invert(value):
    midimonster.output("out", 1 - value)

def where(value):
    with open("/proc/self/task/%d/comm" % threading.get_native_id()) as f:
        name = f.read().strip()
    midimonster.output("thread", 1.0 if name == "mdc-worker" else 0.0)

_n = 0
def tick():
    global _n
    _n += 1
    midimonster.output("tick", min(_n, 127) / 127)

def start(value):
    midimonster.interval(tick, 50 if value > 0 else 0)

def slow(value):
    time.sleep(0.002)

def log(value):
    with open(os.path.join(os.path.dirname(__file__), "order.txt"), "a") as f:
        f.write("handler %d %s\\n" % (round(value * 127), _thread()))

def _thread():
    with open("/proc/self/task/%d/comm" % threading.get_native_id()) as f:
        return f.read().strip()
'''

# A mididings Call beside the handlers: it writes to the same file, from the main interpreter.
CALLS = '''
import os, threading

def mark(ev):
    with open("/proc/self/task/%d/comm" % threading.get_native_id()) as f:
        name = f.read().strip()
    with open(os.path.join(os.path.dirname(__file__), "order.txt"), "a") as f:
        f.write("call %d %s\\n" % (ev.note, name))
'''

PATCH = """from mididings import *
import live_calls
config(client_name='CLIENT')
py1 = python("live_handlers.py")
py1.live_handlers.invert < in_1.ch0.cc7
py1.out > out_1.ch0.cc10
py1.live_handlers.where < in_1.ch0.cc8
py1.thread > out_1.ch0.cc11
py1.live_handlers.start < in_1.ch0.cc9
py1.tick > out_1.ch1.cc20
py1.live_handlers.slow < in_1.ch2.cc{0..127}
py1.live_handlers.log < in_1.ch3.cc5
in_1.ch0.cc1 > out_1.ch0.cc2
run(Filter(NOTE) >> Fork([Pass(), Call(live_calls.mark)]))
"""


def run_case(name, script, expect, backend, timeout=6):
    """Returns (received [hex strings], mdc exit code, mdc stderr, the patch's folder)."""
    server = Server(name)
    tmp = tempfile.mkdtemp(prefix="mdc_mm_")
    client = f"mdc{TAG}{name}"
    with open(f"{tmp}/patch.mdp", "w") as f:
        f.write(PATCH.replace("CLIENT", client))
    with open(f"{tmp}/live_handlers.py", "w") as f:
        f.write(HANDLERS)
    with open(f"{tmp}/live_calls.py", "w") as f:
        f.write(CALLS)
    with open(f"{tmp}/script.txt", "w") as f:
        f.write(script)
    mdc = subprocess.Popen([MDC, "run", "--backend", backend, f"{tmp}/patch.mdp"], env=server.env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    probe = subprocess.run([PROBE, "--name", f"probe{TAG}{name}", "--script", f"{tmp}/script.txt", "--expect", str(expect),
                            "--timeout", str(timeout), "--to", f"{client}:in_1", "--from", f"{client}:out_1"],
                           env=server.env, capture_output=True, text=True, timeout=timeout + 20)
    _, err = stop_mdc(mdc, timeout=15)
    server.stop()
    recv = [line.split(" ", 3)[3] for line in probe.stdout.splitlines() if line.startswith("recv")]
    return recv, mdc.returncode, err, tmp


for backend in ("jack-rt", "jack"):
    b = backend.replace("-", "")
    # A handler through mapping lines, MIDI to MIDI beside it; on the worker thread.
    recv, rc, err, _ = run_case(f"inv{b}", "0 0 1 B0 07 00\n2 0 1 B0 07 7F\n4 0 1 B0 01 40\n6 0 1 B0 08 00\n", 4, backend)
    check(sorted(recv) == sorted(["B0 0A 7F", "B0 0A 00", "B0 02 40", "B0 0B 7F"]), f"{backend}: handler output, MIDI-to-MIDI and the worker thread: {recv} {err[-300:]}")
    check(recv.index("B0 0A 7F") < recv.index("B0 0A 00") if "B0 0A 7F" in recv and "B0 0A 00" in recv else False, f"{backend}: order kept: {recv}")
    check(rc == 0, f"{backend}: exit 0 on Ctrl-C (got {rc}: {err[-400:]})")

# Call and handlers on one FIFO worker: in the order their events came, on the same thread.
recv, rc, err, tmp = run_case("fifo", "0 0 1 93 3C 64\n0 1 1 B3 05 10\n0 2 1 93 3E 64\n0 3 1 B3 05 20\n1 0 1 93 40 64\n", 3, "jack-rt")
order = open(f"{tmp}/order.txt").read().splitlines() if os.path.exists(f"{tmp}/order.txt") else []
check(order == ["call 60 mdc-worker", "handler 16 mdc-worker", "call 62 mdc-worker", "handler 32 mdc-worker", "call 64 mdc-worker"],
      f"Call and handlers in event order on the one worker: {order} {err[-300:]}")
check(rc == 0 and len(recv) == 3, f"Call and handlers: notes out, exit 0 ({recv}, {rc})")

# interval on the worker's clock: 50 ms ticks, counted 1, 2, 3...
recv, rc, err, _ = run_case("interval", "0 0 1 B0 09 7F\n", 10, "jack", timeout=3)
ticks = [int(r.split()[2], 16) for r in recv if r.startswith("B1 14")]
check(len(ticks) >= 10 and ticks[:10] == list(range(1, 11)), f"interval: ten ticks in order ({ticks})")

# A burst of values for a slow handler (2 ms each): the queue (4096) overflows, which is reported,
# while MIDI-to-MIDI lines and the patch keep flowing, and Ctrl-C still ends mdc at once.
burst = "".join(f"{p} {i} 1 B2 {i % 128:02X} 01\n" for p in range(60) for i in range(100))
burst += "70 0 1 90 3C 64\n71 0 1 B0 01 22\n"
t0 = time.time()
recv, rc, err, _ = run_case("full", burst, 2, "jack", timeout=4)
check("values for Python handlers or trace records found the worker's queue full and were dropped" in err, f"full queue: reported ({err[-400:]})")
check(recv == ["90 3C 64", "B0 02 22"], f"full queue: the patch and MIDI-to-MIDI lines are not held up ({recv})")
check(rc == 0 and time.time() - t0 < 20, f"full queue: exit 0 promptly (rc {rc}, {time.time() - t0:.1f} s)")

# --watch: an edit of a handler module and of the mapping lines takes over with fresh instances
# (the module read again); the old instances' cleanup handler runs when they are replaced.
WATCH_MODULE = '''import os
import midimonster

def handle(value):
    midimonster.output("out", %s)

def _cleanup():
    with open(os.path.join(os.path.dirname(__file__), "cleanup.txt"), "a") as f:
        f.write("%s\\n")

midimonster.cleanup_handler(_cleanup)
'''
WATCH_PATCH = """from mididings import *
config(client_name='CLIENT')
py1 = python("w.py")
py1.w.handle < in_1.ch0.cc7
py1.out > out_1.ch0.cc10
in_1.ch0.cc1 > out_1.ch0.cc%d
run(Filter(NOTE))
"""


def start_watching(name, cc, module, script):
    """A private server and `mdc run --watch` on WATCH_PATCH (its MIDI line to `cc`) with w.py made
    of WATCH_MODULE % `module`, and the probe's script; returns (server, folder, client, mdc)."""
    server = Server(name)
    tmp = tempfile.mkdtemp(prefix="mdc_mm_")
    client = f"mdc{TAG}{name}"
    with open(f"{tmp}/patch.mdp", "w") as f:
        f.write(WATCH_PATCH.replace("CLIENT", client) % cc)
    with open(f"{tmp}/w.py", "w") as f:
        f.write(WATCH_MODULE % module)
    with open(f"{tmp}/script.txt", "w") as f:
        f.write(script)
    mdc = subprocess.Popen([MDC, "run", "--backend", "jack", "--watch", f"{tmp}/patch.mdp"], env=server.env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return server, tmp, client, mdc


def watch_case():
    server, tmp, client, mdc = start_watching("mmwatch", 2, ("1 - value", "cleanup inverted"),
                                              "0 0 1 B0 07 7F\n0 1 1 B0 01 22\n800 0 1 B0 07 7F\n800 1 1 B0 01 22\n")
    probe = subprocess.Popen([PROBE, "--name", f"probe{TAG}mmwatch", "--script", f"{tmp}/script.txt", "--expect", "4", "--timeout", "12",
                              "--to", f"{client}:in_1", "--from", f"{client}:out_1"], env=server.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2.0)
    with open(f"{tmp}/w.py.tmp", "w") as f:
        f.write(WATCH_MODULE % ("value", "cleanup plain"))
    os.rename(f"{tmp}/w.py.tmp", f"{tmp}/w.py")
    with open(f"{tmp}/patch.mdp.tmp", "w") as f:
        f.write(WATCH_PATCH.replace("CLIENT", client) % 3)
    os.rename(f"{tmp}/patch.mdp.tmp", f"{tmp}/patch.mdp")
    pout, _ = probe.communicate(timeout=30)
    _, err = stop_mdc(mdc, timeout=15)
    server.stop()
    recv = [line.split(" ", 3)[3] for line in pout.splitlines() if line.startswith("recv")]
    check(sorted(recv[:2]) == ["B0 02 22", "B0 0A 00"] and sorted(recv[2:]) == ["B0 03 22", "B0 0A 7F"],
          f"--watch: the edited handler module and mapping line take over ({recv}; {err[-400:]})")
    cleanups = open(f"{tmp}/cleanup.txt").read().split("\n") if os.path.exists(f"{tmp}/cleanup.txt") else []
    check(cleanups[:1] == ["cleanup inverted"] and "cleanup plain" in cleanups,
          f"--watch: the replaced instances' cleanup runs, then the last ones' at exit ({cleanups})")
    check("reloaded" in err and mdc.returncode == 0, f"--watch with instances: reloaded, exit 0 ({mdc.returncode}: {err[-400:]})")


watch_case()


def waiting_case():
    """A note held under the first patch keeps the second edit from taking over and the third
    waiting; Ctrl-C then ends mdc and the instances of both (loaded on the watcher's thread, ended
    there) without hanging."""
    server, tmp, client, mdc = start_watching("mmwait", 2, ("value", "cleanup"), "0 0 1 90 3C 64\n")

    def save(cc):
        with open(f"{tmp}/patch.mdp.tmp", "w") as f:
            f.write(WATCH_PATCH.replace("CLIENT", client) % cc)
        os.rename(f"{tmp}/patch.mdp.tmp", f"{tmp}/patch.mdp")
    err = []
    reader = threading.Thread(target=lambda: err.extend(mdc.stderr), daemon=True)
    reader.start()
    probe = subprocess.run([PROBE, "--name", f"probe{TAG}mmwait", "--script", f"{tmp}/script.txt", "--expect", "1", "--timeout", "8",
                            "--to", f"{client}:in_1", "--from", f"{client}:out_1"], env=server.env, capture_output=True, text=True, timeout=30)
    def wait_for(text, count=1, timeout=10):
        end = time.time() + timeout
        while time.time() < end and sum(text in l for l in err) < count:
            time.sleep(0.05)
        return sum(text in l for l in err) >= count
    save(3)  # takes over; the old engine keeps the held note
    first = wait_for("reloaded")
    save(4)  # offered, not taken while the note is held
    first = first and wait_for("reloaded", 2)
    save(5)  # waits behind it
    second = wait_for("takes over once the notes held")
    t0 = time.time()
    mdc.send_signal(signal.SIGINT)
    try:
        rc = mdc.wait(15)
    except subprocess.TimeoutExpired:
        mdc.kill()
        rc = "hung"
    reader.join(5)
    server.stop()
    check(first and second and "recv" in probe.stdout, f"--watch: an edit waits behind a held note ({first}, {second}; {''.join(err)[-400:]})")
    check(rc == 0 and time.time() - t0 < 10, f"--watch: Ctrl-C with a waiting edit's instances exits 0 promptly (rc {rc}; {''.join(err)[-300:]})")


waiting_case()

finish()
