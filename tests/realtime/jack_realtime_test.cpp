// Proves the JACK driver's realtime rules on a real server, over thousands of periods: inside the
// process callback (jack-rt: the whole engine; jack: the ring buffers) there is no heap
// allocation, no mutex, no semaphore wait. Replaces global operator new and interposes
// pthread_mutex_lock/sem_wait/sem_timedwait, counting calls made while a thread-local flag says
// "in the callback" (set by the driver's cycle hook). A sender client writes bursts to both input
// ports every period, a receiver counts what leaves, and a C++ producer thread posts events and
// scene switches to the engine's inbox meanwhile; JACK's freewheel mode runs the periods fast.
// With Python in the patch (Call on the worker; Process on the engine thread in buffered mode) it
// also interposes the ways a thread takes CPython's lock (PyGILState_Ensure, PyEval_RestoreThread,
// PyEval_AcquireThread): none may happen inside the callback, while thousands happen elsewhere.
// The patch also uses SendOSC, Quit() and Restart(), whose realtime side only queues and flags.
// Its own executable (the replacements must not touch other tests); normal build only.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <sys/stat.h>

#include <dlfcn.h>
#include <fcntl.h>
#include <jack/jack.h>
#include <jack/midiport.h>
#include <netinet/in.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <new>
#include <string>
#include <thread>

#include "drivers/jack_driver.h"
#include "drivers/live_host.h"
#include "engine/engine.h"
#include "engine/inbox.h"
#include "lang/check.h"
#include "lang/compile.h"
#include "python/live_calls.h"
#include "python/runtime.h"
#include "support/counting_new.h"

extern char** environ;

namespace {
using mdc::testing::realtime_allocations;
using mdc::testing::in_realtime_section;  // set by the cycle hook: "inside the process callback"
std::atomic<uint64_t> callback_locks{0}, callback_waits{0}, periods{0};
std::atomic<uint64_t> callback_gil{0}, gil_taken{0};  // Python: the GIL taken inside the callback, anywhere

using LockFn = int (*)(pthread_mutex_t*);
using SemWaitFn = int (*)(sem_t*);
using SemTimedWaitFn = int (*)(sem_t*, const timespec*);
LockFn real_lock = nullptr;
SemWaitFn real_sem_wait = nullptr;
SemTimedWaitFn real_sem_timedwait = nullptr;

using GilEnsureFn = PyGILState_STATE (*)();
using ThreadStateFn = void (*)(PyThreadState*);
GilEnsureFn real_gil_ensure = nullptr;
ThreadStateFn real_restore_thread = nullptr, real_acquire_thread = nullptr;

__attribute__((constructor)) void resolve_real_functions() {
    real_gil_ensure = reinterpret_cast<GilEnsureFn>(dlsym(RTLD_NEXT, "PyGILState_Ensure"));
    real_restore_thread = reinterpret_cast<ThreadStateFn>(dlsym(RTLD_NEXT, "PyEval_RestoreThread"));
    real_acquire_thread = reinterpret_cast<ThreadStateFn>(dlsym(RTLD_NEXT, "PyEval_AcquireThread"));
    real_lock = reinterpret_cast<LockFn>(dlsym(RTLD_NEXT, "pthread_mutex_lock"));
    real_sem_wait = reinterpret_cast<SemWaitFn>(dlsym(RTLD_NEXT, "sem_wait"));
    real_sem_timedwait = reinterpret_cast<SemTimedWaitFn>(dlsym(RTLD_NEXT, "sem_timedwait"));
}
}  // namespace

extern "C" int pthread_mutex_lock(pthread_mutex_t* m) {
    if (in_realtime_section) callback_locks.fetch_add(1, std::memory_order_relaxed);
    return real_lock(m);
}
void count_gil() {
    gil_taken.fetch_add(1, std::memory_order_relaxed);
    if (in_realtime_section) callback_gil.fetch_add(1, std::memory_order_relaxed);
}
extern "C" PyGILState_STATE PyGILState_Ensure() {
    count_gil();
    return real_gil_ensure();
}
extern "C" void PyEval_RestoreThread(PyThreadState* tstate) {
    count_gil();
    real_restore_thread(tstate);
}
extern "C" void PyEval_AcquireThread(PyThreadState* tstate) {
    count_gil();
    real_acquire_thread(tstate);
}
extern "C" int sem_wait(sem_t* s) {
    if (in_realtime_section) callback_waits.fetch_add(1, std::memory_order_relaxed);
    return real_sem_wait(s);
}
extern "C" int sem_timedwait(sem_t* s, const timespec* t) {
    if (in_realtime_section) callback_waits.fetch_add(1, std::memory_order_relaxed);
    return real_sem_timedwait(s, t);
}

using namespace mdc;

namespace {

// A private JACK server with the dummy driver.
struct Server {
    pid_t pid = 0;
    std::string name = "srvrt" + std::to_string(getpid());
    Server() {
        jack_set_error_function([](const char*) {});  // the readiness poll fails until jackd is up
        setenv("JACK_NO_START_SERVER", "1", 1);
        setenv("JACK_DEFAULT_SERVER", name.c_str(), 1);
        const char* argv[] = {"jackd", "-S", "-n", name.c_str(), "-d", "dummy", "-r", "48000", "-p", "128", nullptr};
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
        REQUIRE(posix_spawnp(&pid, "jackd", &fa, nullptr, const_cast<char* const*>(argv), environ) == 0);
        posix_spawn_file_actions_destroy(&fa);
        for (int i = 0; i < 250; ++i) {
            jack_status_t st{};
            if (jack_client_t* c = jack_client_open(("ready" + std::to_string(getpid())).c_str(), JackNoStartServer, &st)) {
                jack_client_close(c);
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        FAIL("jackd did not start");
    }
    ~Server() {
        kill(pid, SIGTERM);
        waitpid(pid, nullptr, 0);
    }
};

// Sends a burst to each of its ports every period; counts what it sent.
struct Sender {
    jack_client_t* client = nullptr;
    jack_port_t* ports[2] = {};
    std::atomic<uint64_t> sent{0};
    uint32_t tick = 0;
    int process(jack_nframes_t n) {
        static const uint8_t sysex[] = {0xF0, 0x7D, 0x01, 0x02, 0x03, 0xF7};
        for (int p = 0; p < 2; ++p) {
            void* buf = jack_port_get_buffer(ports[p], n);
            jack_midi_clear_buffer(buf);
            for (uint32_t k = 0; k < 8; ++k) {
                const uint32_t t = tick++;
                uint8_t msg[3] = {static_cast<uint8_t>(0x90 | (t % 4)), static_cast<uint8_t>(36 + t % 60), static_cast<uint8_t>(t % 3 ? 100 : 0)};
                if (t % 11 == 0) msg[0] = static_cast<uint8_t>(0xB0 | (t % 4)), msg[1] = 64, msg[2] = static_cast<uint8_t>(t % 128);
                if (t % 97 == 0) jack_midi_event_write(buf, k * 4, sysex, sizeof sysex);
                else if (t % 53 == 0) jack_midi_event_write(buf, k * 4, std::data({static_cast<uint8_t>(0xC0), static_cast<uint8_t>(t % 2)}), 2);
                else jack_midi_event_write(buf, k * 4, msg, 3);
                sent.fetch_add(1, std::memory_order_relaxed);
            }
        }
        return 0;
    }
};

struct Receiver {
    jack_client_t* client = nullptr;
    jack_port_t* ports[2] = {};
    std::atomic<uint64_t> received{0}, from_inbox{0};  // from_inbox: the producer's poly aftertouch
    int process(jack_nframes_t n) {
        for (jack_port_t* port : ports) {
            void* buf = jack_port_get_buffer(port, n);
            const uint32_t count = jack_midi_get_event_count(buf);
            received.fetch_add(count, std::memory_order_relaxed);
            for (uint32_t i = 0; i < count; ++i) {
                jack_midi_event_t ev;
                if (jack_midi_event_get(&ev, buf, i) == 0 && (ev.buffer[0] & 0xF0) == 0xA0) from_inbox.fetch_add(1, std::memory_order_relaxed);
            }
        }
        return 0;
    }
};

// The Python module of the patch with Python: what its functions did, readable afterwards.
constexpr const char* rt_module = R"PY(
calls = 0
processed = 0
def count(ev):
    global calls
    calls += 1
def up(ev):
    global processed
    processed += 1
    ev.value = (ev.value + 1) % 128
    return ev
)PY";

// Python's view of a live run: the patch's callables bound, the GIL given up.
struct LivePython {
    std::unique_ptr<python::LiveCalls> calls;
    std::optional<python::GilReleased> released;
    static long read(const char* name) {  // an int global of the module, after the run
        python::GilHeld gil;
        PyObject* m = PyImport_ImportModule("rt_handlers");
        PyObject* v = m ? PyObject_GetAttrString(m, name) : nullptr;
        long x = v ? PyLong_AsLong(v) : -1;
        Py_XDECREF(v);
        Py_XDECREF(m);
        PyErr_Clear();
        return x;
    }
};

// `runtime`: run the patch with Python (one interpreter for the process).
void run_mode(bool realtime, python::Runtime* runtime = nullptr) {
    const bool with_python = runtime != nullptr;
    Server server;
    const std::string id = std::to_string(getpid()) + (realtime ? "rt" : "buf") + (with_python ? "py" : "");
    const std::string folder = "/tmp/mdc_rt_python_" + id;
    std::string python_branches;
    if (with_python) {
        mkdir(folder.c_str(), 0700);
        FILE* f = std::fopen((folder + "/rt_handlers.py").c_str(), "w");
        REQUIRE(f);
        std::fputs(rt_module, f);
        std::fclose(f);
        python_branches = realtime ? ", Filter(NOTEON) >> Call(rt_handlers.count)"
                                   : ", Filter(NOTEON) >> Call(rt_handlers.count), Filter(CTRL) >> Process(rt_handlers.up)";
    }
    // SendOSC, Quit() and Restart() on the pedal: the realtime side only queues and flags them.
    const int osc_socket = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in osc_address{};
    osc_address.sin_family = AF_INET;
    osc_address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t address_size = sizeof osc_address;
    REQUIRE(bind(osc_socket, reinterpret_cast<sockaddr*>(&osc_address), sizeof osc_address) == 0);
    REQUIRE(getsockname(osc_socket, reinterpret_cast<sockaddr*>(&osc_address), &address_size) == 0);
    const std::string osc_port = std::to_string(ntohs(osc_address.sin_port));
    auto c = compile_source(folder + "/rt.mdp", std::string("from mididings import *\n") + (with_python ? "import rt_handlers\n" : "") +
                                      "config(in_ports=2, out_ports=2)\n"
                                      "run(scenes={1: [Transpose(12) >> Velocity(multiply=0.8), KeySplit('c3', Channel(2), Channel(3)), "
                                      "ChannelSplit({1: Port(2), 2: Discard(), None: Pass()}), "
                                      "CtrlFilter(64) >> [SendOSC(" + osc_port + ", '/pedal', EVENT_CHANNEL, EVENT_VALUE, 'x'), Quit(), Restart()]" +
                                      python_branches + "],\n"
                                      "            2: [Filter(NOTE) % Transpose(-12), CtrlFilter(64) >> CtrlMap(64, 65), SysExFilter('\\xf0\\x7d') >> Port(2)]},\n"
                                      "    control=Filter(PROGRAM) >> SceneSwitch(), pre=~Filter(PROGRAM))\n");
    REQUIRE_MESSAGE(c->diags.error_count() == 0, render_all(c->diags, c->sources));
    ProgramResult r = compile_program(*c, 2);
    REQUIRE(r.program);

    drivers::LiveConfig config;
    config.client_name = "mdc" + id;
    config.in_ports = {{"in_1", {}}, {"in_2", {}}};
    config.out_ports = {{"out_1", {}}, {"out_2", {}}};
    config.realtime = realtime;
    config.cycle_hook = [](void*, bool entering) {
        in_realtime_section = entering;
        if (entering) periods.fetch_add(1, std::memory_order_relaxed);
    };
    std::string error;
    auto driver = drivers::JackDriver::open(config, error);
    REQUIRE_MESSAGE(driver, error);
    LivePython py;
    engine::EngineInbox inbox(4096, 65536);
    if (with_python) {
        python::BindOptions options;
        options.paths = {folder};
        options.fresh_modules = true;  // the counters start at 0 for each mode
        DiagSink diags;
        auto bound = runtime->bind(*r.program, c->sources, options, diags);
        REQUIRE_MESSAGE(bound, render_all(diags, c->sources));
        bound->go_live(&inbox);
        py.calls = std::make_unique<python::LiveCalls>(std::move(bound));
        py.released.emplace();
    }
    drivers::LiveHost host({}, false, true);
    drivers::RunControl control(1);
    struct Scenes final : drivers::SceneListener {
        std::atomic<uint64_t> changes{0};
        void scene_changed(int32_t, int32_t) override { changes.fetch_add(1); }
    } scenes;
    control.add_listener(&scenes);
    host.set_control(&control);
    engine::Engine engine(*r.program, host.hooks(*r.program, py.calls.get()));
    if (py.calls) py.calls->bound().attach(&engine);
    drivers::EngineSwap engines(&engine, 2);
    host.start();

    Sender sender;
    Receiver receiver;
    jack_status_t st{};
    sender.client = jack_client_open(("snd" + id).c_str(), JackNoStartServer, &st);
    receiver.client = jack_client_open(("rcv" + id).c_str(), JackNoStartServer, &st);
    REQUIRE(sender.client);
    REQUIRE(receiver.client);
    for (int p = 0; p < 2; ++p) {
        sender.ports[p] = jack_port_register(sender.client, ("o" + std::to_string(p)).c_str(), JACK_DEFAULT_MIDI_TYPE, JackPortIsOutput, 0);
        receiver.ports[p] = jack_port_register(receiver.client, ("i" + std::to_string(p)).c_str(), JACK_DEFAULT_MIDI_TYPE, JackPortIsInput, 0);
    }
    jack_set_process_callback(sender.client, [](jack_nframes_t n, void* s) { return static_cast<Sender*>(s)->process(n); }, &sender);
    jack_set_process_callback(receiver.client, [](jack_nframes_t n, void* s) { return static_cast<Receiver*>(s)->process(n); }, &receiver);

    std::atomic<bool> stop{false};
    int code = -1;
    std::thread runner([&] { code = driver->run(engines, inbox, host, [&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        return stop.load();
    }); });
    // The producer: events and scene switches from another thread, all through the inbox.
    jack_activate(sender.client);
    jack_activate(receiver.client);
    for (int tries = 0; tries < 200; ++tries) {
        bool ok = true;
        for (int p = 0; p < 2; ++p) {
            const std::string in = config.client_name + ":in_" + std::to_string(p + 1), out = config.client_name + ":out_" + std::to_string(p + 1);
            if (!jack_port_connected_to(sender.ports[p], in.c_str())) ok = jack_connect(sender.client, jack_port_name(sender.ports[p]), in.c_str()) == 0 && ok;
            if (!jack_port_connected_to(receiver.ports[p], out.c_str())) ok = jack_connect(receiver.client, out.c_str(), jack_port_name(receiver.ports[p])) == 0 && ok;
        }
        if (ok) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    // Outputs it posts are poly aftertouch, which nothing else sends: the receiver counts them.
    std::atomic<uint64_t> posted{0}, posted_outputs{0};
    std::atomic<bool> producing{true};
    std::thread producer([&] {  // started once everything is connected: nothing it posts is lost
        for (int i = 0; producing.load(); ++i) {
            engine::Event e;
            e.type = engine::NOTEON;
            e.data1 = 40 + i % 40;
            e.data2 = 90;
            engine::Event pressure = e;
            pressure.type = engine::POLY_AFTERTOUCH;
            bool ok = i % 50 == 49 ? inbox.post_switch(i % 2) : i % 2 ? inbox.post_input(e) : inbox.post_output(pressure);
            if (ok) posted.fetch_add(1);
            if (ok && i % 2 == 0 && i % 50 != 49) posted_outputs.fetch_add(1);
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
    });
    realtime_allocations = callback_locks = callback_waits = callback_gil = gil_taken = 0;
    const uint64_t first = periods.load();
    jack_set_freewheel(sender.client, 1);  // as fast as the machine goes
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (periods.load() - first < 5000 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    jack_set_freewheel(sender.client, 0);
    producing = false;
    producer.join();
    // What is still in the inbox leaves (the buffered engine thread may be behind, more so with Python).
    for (int i = 0; i < 300 && receiver.from_inbox.load() + host.counters().dropped_output.load() < posted_outputs.load(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    stop = true;
    runner.join();
    host.stop();
    jack_client_close(sender.client);
    jack_client_close(receiver.client);

    INFO((realtime ? "jack-rt" : "jack"));
    INFO("dropped output " << host.counters().dropped_output.load() << ", late " << host.counters().late_output.load() << ", inbox refused " << inbox.refused()
         << ", engine overflow " << engine.stats().overflow << ", sanitized " << engine.stats().sanitized);
    CHECK(code == 0);
    CHECK(periods.load() - first >= 5000);
    CHECK(realtime_allocations.load() == 0);
    CHECK(callback_locks.load() == 0);
    CHECK(callback_waits.load() == 0);
    CHECK(sender.sent.load() > 50000);
    // The patch really ran. (In freewheel the buffered mode's engine thread cannot keep up with
    // periods that come as fast as the machine goes: what it drops is counted, not checked here.)
    CHECK(receiver.received.load() > 10000);
    CHECK(posted.load() > 100);
    // Every event posted from the other thread left, or (buffered mode, whose engine thread can
    // fall behind freewheeling periods) was counted as dropped: nothing is lost silently.
    if (realtime) CHECK(receiver.from_inbox.load() == posted_outputs.load());
    else CHECK(receiver.from_inbox.load() + host.counters().dropped_output.load() >= posted_outputs.load());
    CHECK(receiver.from_inbox.load() > 0);
    CHECK(engine.stats().input > 10000);
    // The worker heard of the scene switches, sent the pedal's OSC messages; Quit() came first.
    CHECK(scenes.changes.load() > 10);
    CHECK(control.requested() == drivers::RunControl::Action::Quit);
    char message[256];
    CHECK(recv(osc_socket, message, sizeof message, MSG_DONTWAIT) > 0);
    close(osc_socket);
    if (with_python) {
        INFO("GIL taken " << gil_taken.load() << " times, " << callback_gil.load() << " inside the callback; Python calls dropped "
             << host.counters().dropped_deferred.load());
        CHECK(callback_gil.load() == 0);
        CHECK(gil_taken.load() > 1000);
        CHECK(py.read("calls") > 1000);
        if (!realtime) CHECK(py.read("processed") > 100);
        py.released.reset();
        py.calls.reset();
    }
}

}  // namespace

TEST_CASE("jack-rt: thousands of periods, no allocation, lock or wait in the process callback") { run_mode(true); }
TEST_CASE("jack: thousands of periods, no allocation, lock or wait in the process callback") { run_mode(false); }
// One interpreter per process: both Python modes in one test case.
TEST_CASE("Python in the patch: never called inside the process callback (jack-rt: Call on the worker; jack: Process on the engine thread)") {
    std::string error;
    std::unique_ptr<python::Runtime> runtime = python::Runtime::start({}, error);
    REQUIRE_MESSAGE(runtime, error);
    run_mode(true, runtime.get());
    run_mode(false, runtime.get());
}

TEST_CASE("the interposers see what they count") {
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    callback_locks = realtime_allocations = 0;
    in_realtime_section = true;
    pthread_mutex_lock(&m);
    void* p = ::operator new(8);
    in_realtime_section = false;
    pthread_mutex_unlock(&m);
    ::operator delete(p);
    CHECK(callback_locks.load() == 1);
    CHECK(realtime_allocations.load() == 1);
}
