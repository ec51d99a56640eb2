#!/usr/bin/python3
"""End-to-end tests of `mdc run` on JACK: each test starts its own private `jackd -S -d dummy`
(unique server and client names), runs mdc on a patch, drives it with mdc_jack_probe (a real JACK
client that sends scripted MIDI at chosen frames and records what comes back with frame times),
and checks events, order and latency against the text backend's output for the same input.
  usage: jack_e2e.py MDC PROBE [--timing]   (--timing: latency assertions, normal build only)
"""
import os
import signal
import subprocess
import tempfile
import time

from jack_harness import (MDC, PERIOD, PROBE, TAG, TIMING, Server, check, finish, parse_probe, run_case, text_backend,
                          write)
from midi_text import to_text

# 1. A burst of 120 events in one period across two ports: same events, same order per output
#    port as the text backend on the merged input (frame, then port, then arrival).
PATCH_BURST = """from mididings import *
config(client_name='CLIENT', in_ports=2, out_ports=2)
run([Transpose(12), Filter(NOTEON) >> Port(2) >> Velocity(offset=-1)])
"""
script, merged = [], []
for i in range(120):
    port, offset, note = 1 + i % 2, (i * 2) % PERIOD, 30 + i % 60
    script.append((0, offset, port, f"90 {note:02X} 64"))
order = sorted(range(len(script)), key=lambda k: (script[k][1], script[k][2], k))
for k in order:
    merged.append(to_text(script[k][2], script[k][3]))
script_text = "".join(f"{p} {o} {port} {b}\n" for p, o, port, b in script)
expected = text_backend(PATCH_BURST, merged)
for backend in ("jack-rt", "jack"):
    sent, recv, rc, err = run_case(f"burst{backend.replace('-', '')}", PATCH_BURST, script_text, len(expected), backend, ports=(2, 2))
    check(rc == 0, f"{backend} burst: mdc exits 0 on Ctrl-C (got {rc}: {err.strip()[-300:]})")
    for port in (1, 2):
        want = [b for p, b in expected if p == port]
        got = [b for p, _, b in recv if p == port]
        check(got == want, f"{backend} burst: output port {port} equals the text backend ({len(got)} vs {len(want)} events; {err.strip()[-600:]})", exact=True)
    if TIMING and recv:
        # Each output leaves at its input's frame (jack-rt) or exactly one period later (jack).
        add = 0 if backend == "jack-rt" else PERIOD
        sent_frames = sorted(f for p, f, _ in sent if p == 1)  # out port 1 carries the transposed copies of in port 1
        out_frames = sorted(f for p, f, _ in recv if p == 1)
        check(out_frames == [f + add for f in sent_frames],
              f"{backend}: every output {add} frames after its input (in {sent_frames[:4]}..., out {out_frames[:4]}...)")

# 2. Scene switches by program change.
PATCH_SCENES = """from mididings import *
config(client_name='CLIENT')
run(scenes={1: Transpose(12), 2: Transpose(24)}, control=Filter(PROGRAM) >> SceneSwitch(), pre=~Filter(PROGRAM))
"""
sent, recv, rc, err = run_case("scenes", PATCH_SCENES, "0 0 1 90 3C 64\n1 0 1 C0 01\n2 0 1 90 3C 64\n", 2)
check([b for _, _, b in recv] == ["90 48 64", "90 54 64"], f"scene switch by program change: {[b for _, _, b in recv]}", exact=True)

# 3. Ctrl-C releases held notes and pedals through the port.
PATCH_PASS = """from mididings import *
config(client_name='CLIENT')
run(Pass())
"""
sent, recv, rc, err = run_case("release", PATCH_PASS, "0 0 1 90 3C 64\n0 1 1 B0 40 7F\n", 4, stop_after=1.0)
check([b for _, _, b in recv] == ["90 3C 64", "B0 40 7F", "80 3C 00", "B0 40 00"], f"Ctrl-C releases the held note and pedal: {[b for _, _, b in recv]}", exact=True)
check(rc == 0, f"Ctrl-C: exit 0 (got {rc})")

# 4. Ports that appear later get connected by pattern.
PATCH_LATER = f"""from mididings import *
config(client_name='CLIENT', in_ports=[('in_1', 'probe{TAG}later_send:out_.*')], out_ports=1)
run(Transpose(1))
"""
sent, recv, rc, err = run_case("later", PATCH_LATER, "0 0 1 90 3C 64\n", 1, probe_to=["auto"])
check([b for _, _, b in recv] == ["90 3D 64"], f"a port that appears later is connected by its pattern: {[b for _, _, b in recv]}", exact=True)

# 5. The server going away ends mdc cleanly with 69.
sent, recv, rc, err = run_case("gone", PATCH_PASS, "0 0 1 90 3C 64\n", 1, kill_server_after=1.0, timeout=3)
check(rc == 69, f"server killed: exit 69 (got {rc}: {err.strip()[-1500:]})")
check("the JACK server went away" in err, f"server killed: says so ({err.strip()[-200:]})")

# 6. More output than JACK's buffer holds: reported, not silently lost.
PATCH_MANY = """from mididings import *
config(client_name='CLIENT')
run([Transpose(i) for i in range(40)])
"""
burst = "".join(f"0 {i} 1 90 {20 + i % 40:02X} 64\n" for i in range(200))
sent, recv, rc, err = run_case("overflow", PATCH_MANY, burst, 8000, timeout=3)
check(len(recv) < 8000 and "did not fit the backend's buffer" in err, f"an overflowing burst is reported ({len(recv)} delivered; {err.strip()[-200:]})", exact=True)
check(rc == 0, f"overflow: exit 0 (got {rc}: {err.strip()[-600:]})")

# 7. --watch: a good edit swaps in; a note held under the old patch is released through it; a
#    broken edit prints its error and the running patch stays.
def watch_case():
    server = Server("watch")
    tmp = tempfile.mkdtemp(prefix="mdc_jack_")
    client = f"mdc{TAG}watch"
    patch = f"{tmp}/patch.mdp"
    body = "from mididings import *\nconfig(client_name='%s')\nrun(Transpose(%d))\n"
    write(patch, body % (client, 12))
    # period 0: note-on 60; ~2.1 s later the note-off, then a new note; ~3.7 s a last note.
    write(f"{tmp}/script.txt", "0 0 1 90 3C 64\n400 0 1 80 3C 00\n410 0 1 90 3E 64\n700 0 1 90 40 64\n")
    mdc = subprocess.Popen([MDC, "run", "--backend", "jack-rt", "--watch", patch], env=server.env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    probe = subprocess.Popen([PROBE, "--name", f"probe{TAG}watch", "--script", f"{tmp}/script.txt", "--expect", "4", "--timeout", "8",
                              "--to", f"{client}:in_1", "--from", f"{client}:out_1"], env=server.env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    write(patch + ".tmp", body % (client, 24))
    os.rename(patch + ".tmp", patch)  # as editors save
    time.sleep(1.8)
    write(patch, "from mididings import *\nrun(Transpose(\n")  # broken
    pout, _ = probe.communicate(timeout=20)
    mdc.send_signal(signal.SIGINT)
    _, merr = mdc.communicate(timeout=10)
    server.stop()
    recv = [b for _, _, b in parse_probe(pout)[1]]
    check(recv == ["90 48 64", "80 48 00", "90 56 64", "90 58 64"],
          f"--watch: the edit swaps in, the held note ends through the old patch, a broken edit changes nothing: {recv}", exact=True)
    check("reloaded" in merr and "does not check; the running patch stays" in merr, f"--watch: says what it did ({merr.strip()[-400:]})")
    check(mdc.returncode == 0, f"--watch: exit 0 (got {mdc.returncode}: {merr.strip()[-600:]})")


watch_case()

# 8. No server at all: a plain message and 69.
with tempfile.NamedTemporaryFile("w", suffix=".mdp", delete=False) as f:
    f.write(PATCH_PASS.replace("CLIENT", "x"))
r = subprocess.run([MDC, "run", "--backend", "jack", f.name], capture_output=True, text=True,
                   env=dict(os.environ, JACK_DEFAULT_SERVER=f"nosuch{TAG}", JACK_NO_START_SERVER="1"))
check(r.returncode == 69 and "no JACK server is running" in r.stderr, f"no server: exit 69 with a message ({r.returncode}: {r.stderr.strip()})")

finish()
