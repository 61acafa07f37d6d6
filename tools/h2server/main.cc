// h2server: the example server on the engine. h2c with prior knowledge.
//   h2server --port 8080 --workers 2 --actors inline|threads:K [--docroot DIR]
// Prints "listening on ADDRESS:PORT" once ready (with --port 0, the port the kernel chose).
// SIGINT/SIGTERM: graceful shutdown (GOAWAY, streams finish, deadline), then counters.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>

#include "h2engine/engine.h"
#include "h2io/error.h"
#include "h2io/uring_probe.h"
#include "server_app.h"

namespace {

h2engine::Engine* g_engine = nullptr;

extern "C" void on_signal(int) {
  if (g_engine) g_engine->request_stop();
}

// "inline" or "threads:K".
bool parse_actors(const std::string& text, h2engine::EngineConfig& cfg) {
  if (text == "inline") {
    cfg.actors = h2engine::ActorMode::kInline;
    return true;
  }
  if (text.rfind("threads:", 0) == 0) {
    try {
      size_t used = 0;
      int k = std::stoi(text.substr(8), &used);
      if (used != text.size() - 8 || k < 1 || k > 256) return false;
      cfg.actors = h2engine::ActorMode::kThreads;
      cfg.actor_threads = static_cast<unsigned>(k);
      return true;
    } catch (const std::exception&) {
      return false;
    }
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"h2server: HTTP/2 (h2c, prior knowledge) example server on io_uring workers"};
  uint16_t port = 8080;
  unsigned workers = 0;
  std::string actors = "inline";
  std::string docroot;
  std::string address = "127.0.0.1";
  std::string log_level = "warn";
  unsigned max_streams = 128;
  unsigned idle_ms = 60000;
  bool no_pin = false;
  unsigned stats_seconds = 0;
  uint64_t sendfile_min = h2server::ServerOptions{}.sendfile_min;
  unsigned flush_every = h2engine::EngineConfig{}.flush_every;
  std::string tcp_congestion;
  app.add_option("--port,-p", port, "TCP port (0: any free port)");
  app.add_option("--address", address, "address to listen on (numeric IPv4/IPv6)");
  app.add_option("--workers,-w", workers, "worker threads (0: one per CPU)");
  app.add_option("--actors", actors, "inline | threads:K");
  app.add_option("--docroot", docroot, "serve static files from DIR")
      ->check(CLI::ExistingDirectory);
  app.add_option("--sendfile-min", sendfile_min,
                 "send files of at least BYTES from their mapping, no user-space copy "
                 "(Context::send_file; 0: never)");
  app.add_option("--max-concurrent-streams", max_streams, "SETTINGS_MAX_CONCURRENT_STREAMS");
  app.add_option("--idle-timeout-ms", idle_ms, "close connections idle this long");
  app.add_option("--flush-every", flush_every,
                 "send what the last N completions produced before handling more (0: once "
                 "per event-loop turn)");
  app.add_option("--tcp-congestion", tcp_congestion,
                 "TCP congestion control of the accepted connections, e.g. cubic or reno "
                 "(default: the system's, net.ipv4.tcp_congestion_control)");
  app.add_option("--log-level", log_level, "trace|debug|info|warn|error|off");
  app.add_flag("--no-pin", no_pin, "do not pin workers to CPUs");
  app.add_option("--stats-interval", stats_seconds,
                 "print each worker's counters every N seconds to stderr (0: never)");
  CLI11_PARSE(app, argc, argv);

  h2engine::EngineConfig cfg;
  if (!parse_actors(actors, cfg)) {
    std::cerr << "h2server: --actors must be 'inline' or 'threads:K' (K >= 1)\n";
    return 1;
  }
  // Logs go to stderr: stdout carries the "listening on" and "stopped" lines scripts read.
  spdlog::set_default_logger(spdlog::stderr_color_mt("h2server"));
  spdlog::set_level(spdlog::level::from_str(log_level));
  h2io::require_io_uring_or_exit(argv[0]);

  cfg.workers = workers;
  cfg.pin_workers = !no_pin;
  cfg.listen_address = address;
  cfg.listen_port = port;
  cfg.max_concurrent_streams = max_streams;
  cfg.idle_timeout = std::chrono::milliseconds(idle_ms);
  cfg.flush_every = flush_every;
  cfg.tcp_congestion = tcp_congestion;
  h2server::ServerOptions options{docroot, sendfile_min};
  cfg.handler_factory = [options](unsigned) {
    return std::make_unique<h2server::ServerApp>(options);
  };

  h2engine::Engine engine(cfg);
  try {
    engine.start();
  } catch (const h2io::IoError& e) {
    std::cerr << "h2server: " << e.what() << "\n";
    return 1;
  }
  g_engine = &engine;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  std::printf("listening on %s:%u (%u workers, actors %s)\n", address.c_str(), engine.port(),
              engine.worker_count(), actors.c_str());
  std::fflush(stdout);
  if (stats_seconds == 0) {
    engine.wait();
  } else {
    engine.wait(std::chrono::seconds(stats_seconds), [&engine] {
      std::vector<h2engine::CountersSnapshot> all = engine.counters();
      for (size_t w = 0; w < all.size(); ++w) {
        const auto& c = all[w];
        std::fprintf(
            stderr,
            "worker %zu: %llu open, %llu connections, %llu streams, %llu B in, %llu B out, "
            "%llu resets, %llu errors\n",
            w, static_cast<unsigned long long>(c.connections_open),
            static_cast<unsigned long long>(c.connections_total),
            static_cast<unsigned long long>(c.streams_total),
            static_cast<unsigned long long>(c.bytes_in),
            static_cast<unsigned long long>(c.bytes_out), static_cast<unsigned long long>(c.resets),
            static_cast<unsigned long long>(c.errors));
      }
    });
  }
  h2engine::CountersSnapshot t = engine.total_counters();
  std::printf(
      "stopped: %llu connections, %llu streams, %llu bytes in, %llu bytes out, %llu errors\n",
      static_cast<unsigned long long>(t.connections_total),
      static_cast<unsigned long long>(t.streams_total), static_cast<unsigned long long>(t.bytes_in),
      static_cast<unsigned long long>(t.bytes_out), static_cast<unsigned long long>(t.errors));
  g_engine = nullptr;
  return 0;
}
