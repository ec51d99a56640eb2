#!/usr/bin/python3
"""End-to-end tests of Python in `mdc run` on JACK (private dummy servers, mdc_jack_probe):
Process on the engine's thread (--backend jack) equal to the text backend; Call, Print(string=f)
and Call(thread=f) on the worker with output_event() and switch_scene() entering the engine
through its queue; current_scene() from the worker; a raising function that stops nothing; a full
worker queue reported while the engine keeps going; --watch re-reading an edited module.
  usage: jack_python_e2e.py MDC PROBE [--tsan]
"""
import os
import signal
import subprocess
import tempfile
import time

from jack_harness import MDC, PROBE, TAG, Server, check, finish, parse_probe, run_case, text_backend, write
from midi_text import to_text

HANDLERS = """
import time
from mididings import *
from mididings.engine import output_event, switch_scene, current_scene

def up(ev):
    ev.note += 12
    return ev

def with_fifth(ev):
    yield ev
    yield NoteOnEvent(ev.port, ev.channel, ev.note + 7, ev.velocity)

def report(ev):
    if ev.note == 61:
        raise ValueError("no 61")
    output_event(CtrlEvent(ev.port, ev.channel, 8, ev.note))

def switch(ev):
    switch_scene(ev.program)

def scene_number(ev):
    output_event(CtrlEvent(ev.port, ev.channel, 9, current_scene()))

def slow(ev):
    time.sleep(0.05)

def later(ev):
    time.sleep(0.3)
    output_event(CtrlEvent(ev.port, ev.channel, 10, ev.note))
"""

# 1. Process on the engine's thread: the same output as the text backend, per input; Call's
#    output_event() leaves later through the queue; a Call that raises prints its traceback with
#    the patch position and the next events still run; Print(string=f) prints in order.
PATCH = """from mididings import *
import handlers
config(client_name='CLIENT')
run([Process(handlers.up) >> Process(handlers.with_fifth), Call(handlers.report), Print(string=lambda ev: "note %d" % ev.note)])
"""
notes = [60, 61, 62, 64]
script = "".join(f"{i * 4} 0 1 90 {n:02X} 64\n" for i, n in enumerate(notes))
want_text = text_backend(PATCH, [to_text(1, f"90 {n:02X} 64") for n in notes], files={"handlers.py": HANDLERS})
# One server for every case of this file (each case has its own client names).
SERVER = Server("python")
sent, recv, rc, err, out = run_case("process", PATCH, script, 11, backend="jack", files={"handlers.py": HANDLERS}, with_stdout=True, server=SERVER)
got = [b for _, _, b in recv]
notes_out = [b for b in got if b.startswith("90")]
check(notes_out == [b for _, b in want_text if b.startswith("90")], f"Process live equals the text backend: {notes_out} vs {want_text}", exact=True)
check([b for b in got if b.startswith("B0")] == ["B0 08 3C", "B0 08 3E", "B0 08 40"], f"Call's output_event() arrives; the raising call drops only its own: {got}", exact=True)
check("patch.mdp:4:60 raised an exception" in err and "ValueError: no 61" in err, f"a raising Call prints its traceback and position: {err.strip()[-500:]}")
check(out.splitlines() == ["note 60", "note 61", "note 62", "note 64"], f"Print(string=f) prints each event in order: {out!r}", exact=True)
check(rc == 0, f"process: exit 0 (got {rc}: {err.strip()[-400:]})")

# 2. switch_scene() from the worker goes through the engine's queue; current_scene() there sees it.
PATCH_SCENES = """from mididings import *
import handlers
config(client_name='CLIENT')
run(scenes={1: Transpose(12), 2: Transpose(24) >> [Pass(), Call(handlers.scene_number)]},
    control=Filter(PROGRAM) >> Call(handlers.switch), pre=~Filter(PROGRAM))
"""
sent, recv, rc, err = run_case("switch", PATCH_SCENES, "0 0 1 90 3C 64\n1 0 1 C0 01\n40 0 1 90 3C 64\n", 3, backend="jack-rt",
                               files={"handlers.py": HANDLERS}, server=SERVER)
check([b for _, _, b in recv] == ["90 48 64", "90 54 64", "B0 09 02"], f"switch_scene() from a Call (jack-rt), current_scene() after it: {[b for _, _, b in recv]}", exact=True)
check(rc == 0, f"switch: exit 0 (got {rc}: {err.strip()[-400:]})")

# 3. A full worker queue: reported, and the engine does not wait (every event passes in time).
PATCH_FULL = """from mididings import *
import handlers
config(client_name='CLIENT')
run([Pass(), Call(handlers.slow)])
"""
burst = "".join(f"{i // 100} {i % 100 * 2} 1 90 {30 + i % 60:02X} 64\n" for i in range(5000))
sent, recv, rc, err = run_case("full", PATCH_FULL, burst, 5000, backend="jack", files={"handlers.py": HANDLERS}, timeout=6, server=SERVER)
check(len(recv) == 5000, f"a slow Call does not hold the engine up: {len(recv)} of 5000 passed", exact=True)
check("found the worker's queue full" in err, f"a full worker queue is reported: {err.strip()[-300:]}")
check("queued Python calls not run at exit" in err, f"calls left at exit are counted: {err.strip()[-300:]}")

# 4. Call(thread=f): on a thread of its own; the events after it pass meanwhile.
PATCH_THREAD = """from mididings import *
import handlers
config(client_name='CLIENT')
run([Pass(), Filter(NOTEON) >> KeyFilter(60) >> Call(thread=handlers.later)])
"""
sent, recv, rc, err = run_case("thread", PATCH_THREAD, "0 0 1 90 3C 64\n2 0 1 90 3E 64\n", 3, backend="jack", files={"handlers.py": HANDLERS}, server=SERVER)
got = [b for _, _, b in recv]
check(got == ["90 3C 64", "90 3E 64", "B0 0A 3C"], f"Call(thread=f) runs beside the engine: {got}", exact=True)


# 5. --watch: an edit of the Python module is read again; the note held under the old program
#    ends through it.
def watch_case(server):
    tmp = tempfile.mkdtemp(prefix="mdc_jack_")
    client = f"mdc{TAG}pywatch"
    write(f"{tmp}/patch.mdp", f"from mididings import *\nimport shift\nconfig(client_name='{client}')\nrun(Process(shift.f))\n")
    module = "def f(ev):\n    ev.note += %d\n    return ev\n"
    write(f"{tmp}/shift.py", module % 12)
    # The first note at once, the edit ~2.5 s later, then (~4.3 s) the note-off and a new note.
    write(f"{tmp}/script.txt", "0 0 1 90 3C 64\n800 0 1 80 3C 00\n810 0 1 90 3E 64\n")
    mdc = subprocess.Popen([MDC, "run", "--backend", "jack", "--watch", f"{tmp}/patch.mdp"], env=server.env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    probe = subprocess.Popen([PROBE, "--name", f"probe{TAG}pywatch", "--script", f"{tmp}/script.txt", "--expect", "3", "--timeout", "10",
                              "--to", f"{client}:in_1", "--from", f"{client}:out_1"], env=server.env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2.5)
    write(f"{tmp}/shift.py.tmp", module % 24)
    os.rename(f"{tmp}/shift.py.tmp", f"{tmp}/shift.py")
    pout, _ = probe.communicate(timeout=20)
    mdc.send_signal(signal.SIGINT)
    _, merr = mdc.communicate(timeout=10)
    recv = [b for _, _, b in parse_probe(pout)[1]]
    check(recv == ["90 48 64", "80 48 00", "90 56 64"], f"--watch reads the edited module; the held note ends through the old one: {recv}", exact=True)
    check("reloaded" in merr, f"--watch says it reloaded ({merr.strip()[-400:]})")
    check(mdc.returncode == 0, f"--watch with Python: exit 0 (got {mdc.returncode}: {merr.strip()[-600:]})")


watch_case(SERVER)
SERVER.stop()
finish()
