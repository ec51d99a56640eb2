#!/usr/bin/env python3
"""Writes a realistic patch of about N lines (default 2000) for timing `mdc check`:
layered splits, per-scene outputs with program changes, comprehensions and macros."""
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
out = ["from mididings import *", "from mididings.extra import *",
       "config(in_ports=['keys', 'pads'], out_ports=['synth', 'drums', 'fx'])",
       "def Layer(ch, offset=0, vel=1.0): return Channel(ch) >> Transpose(offset) >> Velocity(multiply=vel)", ""]
scene = 0
lines = len(out)
while lines < n - 12:
    scene += 1
    block = [
        f"# scene {scene}",
        f"split_{scene} = KeySplit('c{2 + scene % 4}',",
        f"    Layer({1 + scene % 16}, -12) >> Output('synth', {1 + scene % 16}, program={1 + scene % 128}),",
        f"    [Layer({1 + (scene + 1) % 16}, 12, 0.8), Layer({1 + (scene + 2) % 16}, 7)] >> Port('fx'))",
        f"drums_{scene} = [KeyFilter(n) >> Key(n + {scene % 5}) for n in range(36, 52, 2)]",
        f"ctrl_{scene} = CtrlFilter(1, 7, 11) % (CtrlRange(7, 20, 100) >> CtrlCurve(7, gamma=1.5), Pass())",
        f"vel_{scene} = VelocitySplit({{(0, 64): Velocity(gamma=0.8), (64, 0): Velocity(curve=1.0)}})",
        f"scene_{scene} = Scene('scene {scene}', [split_{scene}, ChannelFilter(10) >> drums_{scene} >> Port('drums'),",
        f"    ctrl_{scene}, vel_{scene}, Filter(PITCHBEND) >> PitchbendRange(-12, 12, range=24)],",
        f"    init_patch=[Program('synth', {1 + scene % 16}, {1 + (scene * 7) % 128}), Ctrl('synth', 1, 7, 100)])",
    ]
    out += block
    lines += len(block)
out.append("run(scenes={")
out += [f"    {i}: scene_{i}," for i in range(1, scene + 1)]
out.append("}, control=Filter(PROGRAM) >> SceneSwitch(), pre=~Filter(SYSEX), post=Sanitize())")
print("\n".join(out))
