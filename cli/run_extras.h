// The hooks and engine actions of `mdc run` that are not MIDI: MemorizeScene (its file chooses the
// initial scene and follows each change), OSCInterface (livedings' protocol), SendOSC's sender and
// the Quit/Restart requests (drivers/run_control.h), and the restart itself: mdc executed again
// (/proc/self/exe with the original arguments) once the run has shut down cleanly.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "drivers/osc_interface.h"
#include "drivers/run_control.h"
#include "drivers/scene_memo.h"
#include "engine/inbox.h"
#include "engine/program.h"
#include "lang/patch.h"

namespace mdc::cli {

struct RunExtras {
    explicit RunExtras(int data_offset) : control(data_offset) {}
    drivers::RunControl control;
    std::vector<std::unique_ptr<drivers::SceneMemo>> memos;
    std::vector<std::unique_ptr<drivers::OscInterface>> osc;  // destroyed first: they refer to control
    std::string hooks;  // the hooks started with, as written (an edit cannot change them)

    void start() {  // just before the engine starts: OSCInterface's /mididings/start
        for (auto& o : osc) o->start();
    }
    // A reloaded patch took over (mdc run --watch): OSCInterface's scenes become its; a change of
    // the hooks themselves is reported (they stay).
    void patch_changed(const CheckedPatch& checked);
};

std::vector<drivers::OscScene> osc_scenes(const CheckedPatch& checked);

// MemorizeScene: the remembered scene becomes the program's initial scene (a warning when the
// patch has no such scene any more).
void choose_memorized_scene(const CheckedPatch& checked, engine::Program& program);

// Opens the patch's hooks; OSCInterface posts to `inbox`. exit_ok, or exit_unavailable (printed)
// when an OSC port cannot be opened. Call extras.start() just before the engine starts.
int open_run_extras(const CheckedPatch& checked, engine::EngineInbox& inbox, uint32_t out_ports, RunExtras& extras);

// Executes mdc again with the arguments it was started with; returns only when that failed
// (printed; exit_internal).
int restart_mdc();

}  // namespace mdc::cli
