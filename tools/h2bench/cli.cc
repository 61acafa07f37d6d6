#include "cli.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "h2io/error.h"
#include "h2io/fd.h"
#include "h2io/socket_ops.h"
#include "units.h"
#include "uri.h"

namespace h2bench {
namespace {

// A refusal: the message explains, the caller adds the usage hint.
struct UsageError {
  std::string message;
};

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  return text;
}

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

Nanos duration_or_throw(const std::string& flag, const std::string& text, bool allow_zero) {
  const auto value = parse_duration(text);
  if (!value || (!allow_zero && *value == 0)) {
    throw UsageError{flag + ": '" + text + "' is not a " + (allow_zero ? "" : "positive ") +
                     "duration (examples: 10s, 500ms, 1m; a bare number is seconds)"};
  }
  return *value;
}

std::uint64_t size_or_throw(const std::string& flag, const std::string& text) {
  const auto value = parse_size(text);
  if (!value) throw UsageError{flag + ": '" + text + "' is not a size (examples: 16384, 16K, 1M)"};
  return *value;
}

double error_rate_or_throw(const std::string& text) {
  std::string number = text;
  double scale = 1;
  if (!number.empty() && number.back() == '%') {
    number.pop_back();
    scale = 0.01;
  }
  char* end = nullptr;
  const double value = std::strtod(number.c_str(), &end);
  if (number.empty() || end != number.c_str() + number.size() || !(value * scale >= 0) ||
      value * scale > 1) {
    throw UsageError{"--max-error-rate: '" + text +
                     "' must be a fraction from 0 to 1 or a percentage (0.01, 1%)"};
  }
  return value * scale;
}

std::string read_file_or_throw(const std::string& flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError{flag + ": cannot read '" + path + "'"};
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

void check_output_path(const std::string& flag, const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) parent = ".";
  std::error_code ec;
  if (!std::filesystem::is_directory(parent, ec) || ::access(parent.c_str(), W_OK) != 0) {
    throw UsageError{flag + ": cannot write '" + path + "' (no writable directory '" +
                     parent.string() + "')"};
  }
  if (std::filesystem::is_directory(path, ec)) {
    throw UsageError{flag + ": '" + path + "' is a directory"};
  }
}

// RFC 9113 §8.2.2: connection-specific fields are malformed in HTTP/2.
bool is_connection_specific(const std::string& name) {
  return name == "connection" || name == "keep-alive" || name == "proxy-connection" ||
         name == "transfer-encoding" || name == "upgrade";
}

// -H "name: value": pseudo-header overrides (:authority, :method), "host" as :authority,
// defaults replaced by name, anything else appended.
void apply_header(RunPlan& plan, const std::string& text) {
  const auto colon = text.find(':', text.starts_with(':') ? 1 : 0);
  if (colon == std::string::npos) {
    throw UsageError{"-H: '" + text + "' is not \"name: value\""};
  }
  const std::string name = lower(trim(std::string_view(text).substr(0, colon)));
  const std::string value = trim(std::string_view(text).substr(colon + 1));
  if (name.empty() || name == ":") throw UsageError{"-H: '" + text + "' has no header name"};
  if (name.find_first_of(" \t\r\n") != std::string::npos ||
      value.find_first_of(std::string("\r\n\0", 3)) != std::string::npos) {
    throw UsageError{"-H: '" + text + "' contains characters a header cannot hold"};
  }
  if (name == ":authority" || name == "host") {
    plan.authority = value;
  } else if (name == ":method") {
    if (value.empty()) throw UsageError{"-H: an empty :method"};
    plan.method = value;
  } else if (name.starts_with(':')) {
    throw UsageError{"-H: '" + name + "' cannot be set (only :authority and :method; the "
                     ":path comes from the URI)"};
  } else if (is_connection_specific(name) || (name == "te" && lower(value) != "trailers")) {
    throw UsageError{"-H: '" + name + "' is a connection-specific header, not allowed in "
                     "HTTP/2 (RFC 9113 section 8.2.2)"};
  } else {
    for (auto& h : plan.headers) {
      if (h.name == name && name == "user-agent") {
        h.value = value;
        return;
      }
    }
    plan.headers.push_back({name, value});
  }
}

SimulationSpec simulation_or_throw(const std::string& text) {
  SimulationSpec spec;
  std::stringstream parts(text);
  std::string part;
  while (std::getline(parts, part, ',')) {
    const auto eq = part.find('=');
    const std::string key = eq == std::string::npos ? "latency" : part.substr(0, eq);
    const std::string value = eq == std::string::npos ? part : part.substr(eq + 1);
    if (key == "latency") {
      spec.latency = duration_or_throw("--simulate latency", value, true);
    } else if (key == "status") {
      const auto status = parse_size(value);
      if (!status || *status < 100 || *status > 599) {
        throw UsageError{"--simulate: status '" + value + "' is not an HTTP status"};
      }
      spec.status = static_cast<int>(*status);
    } else if (key == "body") {
      spec.body_bytes = size_or_throw("--simulate body", value);
    } else if (key == "reset-every") {
      spec.reset_every = size_or_throw("--simulate reset-every", value);
    } else {
      throw UsageError{"--simulate: unknown key '" + key +
                       "' (latency=, status=, body=, reset-every=)"};
    }
  }
  return spec;
}

std::vector<std::string> read_uri_list(const std::string& path) {
  std::string text;
  if (path == "-") {
    std::ostringstream contents;
    contents << std::cin.rdbuf();
    text = contents.str();
  } else {
    text = read_file_or_throw("-i", path);
  }
  std::vector<std::string> uris;
  std::stringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    line = trim(line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) uris.push_back(line);
  }
  return uris;
}

constexpr const char* kFooter = R"(
<DURATION> is a number with an optional unit: h, m, s, ms, us (10s, 500ms, 1.5m); a bare
number is seconds. <SIZE> is an integer with an optional K, M or G (powers of 1024).

URIs: http://host[:port]/path (h2c with prior knowledge; https is not supported). With several
URIs each client uses them in turn; host and port come from the first. "{n}" anywhere in a
path is replaced by the request's sequence number (unique in the run, from 0).

Exit status: 0 success; 1 bad command line; 2 more requests failed than --max-error-rate
allows (default 0: any failure, including 4xx/5xx responses); 3 the run could not be done.
Differences from h2load: --rate is requests per second, open loop (h2load's -r/--rate paces
connections); -N also answers to --inactivity-timeout.)";

}  // namespace

CliResult parse_command_line(const std::vector<std::string>& args) {
  CliResult result;
  RunPlan plan;

  CLI::App app{"h2bench: load generator for HTTP/2 servers (h2c), in the class of h2load.",
               "h2bench"};
  app.footer(kFooter);
  app.get_formatter()->column_width(40);

  std::vector<std::string> uris;
  std::string duration, warm_up, data_file, input_file, active_timeout, inactivity_timeout,
      connect_timeout, max_error_rate, frame_size, header_table_size, encoder_header_table_size,
      simulate;
  std::vector<std::string> headers;
  double rate = 0;
  double rps = 0;
  std::string json_path, report_path;
  bool no_progress = false;
  bool version = false;
  bool dry_run = false;

  app.add_option("URI", uris, "URIs to request (http:// only)")->type_name("URI");
  auto* n_opt = app.add_option("-n,--requests", plan.requests,
                               "Number of requests across all clients (default 1)")->type_name("N");
  app.add_option("-c,--clients", plan.clients, "Number of concurrent clients (connections, default 1)")->type_name("N");
  app.add_option("-t,--threads", plan.threads, "Number of native threads (default 1)")->type_name("N");
  app.add_option("-m,--max-concurrent-streams", plan.max_concurrent_streams,
                 "Max concurrent streams per connection (default 1)")->type_name("N");
  auto* d_opt = app.add_option("-D,--duration", duration,
                               "Timing-based run of <DURATION>; -n is then ignored")->type_name("DURATION");
  auto* warm_opt = app.add_option("--warm-up-time", warm_up,
                                  "<DURATION> before measuring starts (needs -D)")->type_name("DURATION");
  app.add_option("-H,--header", headers, "Add/override a header: \"name: value\" (repeatable)")
      ->type_name("HEADER")
      ->allow_extra_args(false);  // one value per -H, so a URI after it stays a URI
  auto* data_opt = app.add_option("-d,--data", data_file, "Send FILE as request body (POST)")->type_name("FILE");
  auto* input_opt = app.add_option("-i,--input-file", input_file,
                                   "Read URIs from FILE, one per line ('-' for stdin)")->type_name("FILE");
  auto* active_opt = app.add_option("-T,--connection-active-timeout", active_timeout,
                                    "Close connections after <DURATION> regardless of activity")->type_name("DURATION");
  auto* inactive_opt = app.add_option("-N,--connection-inactivity-timeout,--inactivity-timeout",
                                      inactivity_timeout,
                                      "Fail a connection idle for <DURATION> (default: none)")
                          ->type_name("DURATION");
  auto* connect_opt = app.add_option("--connect-timeout", connect_timeout,
                                     "Give up connecting after <DURATION> (default 10s)")->type_name("DURATION");
  auto* rate_opt = app.add_option("--rate", rate,
                                  "Open loop: R requests/s in total, latency from each "
                                  "request's intended start (coordinated-omission corrected)")->type_name("R");
  auto* rps_opt = app.add_option("--rps", rps, "Open loop: R requests/s per client (= --rate R*c)")->type_name("R");
  auto* json_opt = app.add_option("--json", json_path, "Write every figure to FILE as JSON")->type_name("FILE");
  auto* report_opt = app.add_option("--report", report_path,
                                    "Write a self-contained HTML report to FILE")->type_name("FILE");
  auto* error_opt = app.add_option("--max-error-rate", max_error_rate,
                                   "Failed fraction tolerated before exit status 2 (0.01 or "
                                   "1%; default 0)")->type_name("RATE");
  auto* frame_opt = app.add_option("-f,--max-frame-size", frame_size,
                                   "SETTINGS_MAX_FRAME_SIZE <SIZE> (default 16K)")->type_name("SIZE");
  app.add_option("-w,--window-bits", plan.window_bits, "Stream window (2**N)-1 (default 30)")->type_name("N");
  app.add_option("-W,--connection-window-bits", plan.connection_window_bits,
                 "Connection window (2**N)-1 (default 30)")->type_name("N");
  auto* hts_opt = app.add_option("--header-table-size", header_table_size,
                                 "Decoder header table <SIZE> (default 4K)")->type_name("SIZE");
  auto* ehts_opt = app.add_option("--encoder-header-table-size", encoder_header_table_size,
                                  "Encoder header table <SIZE> (default 4K)")->type_name("SIZE");
  app.add_option("--tcp-congestion", plan.tcp_congestion,
                 "TCP congestion control of the connections, e.g. cubic or reno (default: the "
                 "system's)")->type_name("NAME");
  app.add_flag("--no-progress", no_progress, "No progress line on stderr");
  app.add_flag("-v,--verbose", plan.verbose, "Print the plan before running");
  auto* sim_opt = app.add_option("--simulate", simulate,
                                 "No network: an in-process server answering after a latency "
                                 "(latency=1ms,status=200,body=0,reset-every=0)")->type_name("SPEC");
  app.add_flag("--dry-run", dry_run, "Validate and print the plan, send nothing");
  app.add_flag("--version", version, "Print the version and exit");

  std::vector<const char*> argv;
  argv.push_back("h2bench");
  for (const auto& a : args) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::CallForHelp&) {
    result.out = app.help();
    return result;
  } catch (const CLI::ParseError& e) {
    result.exit_status = 1;
    result.err = std::string("h2bench: ") + e.what() + "\n" +
                 "Usage: h2bench [OPTIONS]... URI...\nTry 'h2bench --help' for more information.\n";
    return result;
  }
  if (version) {
    result.out = std::string("h2bench ") + kVersion + "\n";
    return result;
  }

  try {
    if (input_opt->count() != 0) {
      if (!uris.empty()) throw UsageError{"-i and URIs on the command line are exclusive"};
      uris = read_uri_list(input_file);
    }
    if (uris.empty()) throw UsageError{"no URI given"};
    plan.uris = uris;
    for (std::size_t i = 0; i < uris.size(); ++i) {
      auto parsed = parse_uri(uris[i]);
      if (auto* error = std::get_if<UriError>(&parsed)) throw UsageError{error->message};
      const Uri& uri = std::get<Uri>(parsed);
      if (i == 0) {
        plan.host = uri.host;
        plan.port = uri.port;
        plan.authority = uri.authority;
      }
      plan.paths.emplace_back(uri.path);
    }

    if (plan.clients == 0) throw UsageError{"-c, --clients must be at least 1"};
    if (plan.threads == 0) throw UsageError{"-t, --threads must be at least 1"};
    if (plan.max_concurrent_streams == 0) {
      throw UsageError{"-m, --max-concurrent-streams must be at least 1"};
    }
    if (plan.threads > 256) throw UsageError{"-t, --threads: at most 256"};
    if (plan.clients > 1'000'000) throw UsageError{"-c, --clients: at most 1000000"};
    if (plan.clients < plan.threads) {
      throw UsageError{"-c, --clients: the number of clients must be greater than or equal to "
                       "the number of threads"};
    }
    if (d_opt->count() != 0) plan.duration = duration_or_throw("-D", duration, false);
    if (warm_opt->count() != 0) {
      if (!plan.duration) throw UsageError{"--warm-up-time needs -D, --duration"};
      plan.warm_up = duration_or_throw("--warm-up-time", warm_up, true);
    }
    if (!plan.duration) {
      if (plan.requests == 0) throw UsageError{"-n, --requests must be at least 1"};
      if (plan.requests < plan.clients) {
        throw UsageError{"-n, --requests: the number of requests must be greater than or equal "
                         "to the number of clients"};
      }
    } else if (n_opt->count() != 0) {
      result.err += "h2bench: -n is ignored with -D (timing-based run)\n";
    }
    if (rate_opt->count() != 0 && rps_opt->count() != 0) {
      throw UsageError{"--rate and --rps are exclusive"};
    }
    if (rate_opt->count() != 0) {
      if (!(rate > 0)) throw UsageError{"--rate must be a positive number of requests/s"};
      plan.rate = rate;
    }
    if (rps_opt->count() != 0) {
      if (!(rps > 0)) throw UsageError{"--rps must be a positive number of requests/s"};
      plan.rate = rps * plan.clients;
    }

    plan.headers.push_back({"user-agent", std::string("h2bench/") + kVersion});
    if (data_opt->count() != 0) {
      plan.body_file = data_file;
      plan.body = read_file_or_throw("-d", data_file);
      plan.method = "POST";
    }
    for (const auto& h : headers) apply_header(plan, h);
    if (data_opt->count() != 0) {
      plan.headers.push_back({"content-length", std::to_string(plan.body.size())});
    }

    if (connect_opt->count() != 0) {
      plan.connect_timeout = duration_or_throw("--connect-timeout", connect_timeout, false);
    }
    if (inactive_opt->count() != 0) {
      plan.inactivity_timeout = duration_or_throw("-N", inactivity_timeout, true);
    }
    if (active_opt->count() != 0) {
      plan.active_timeout = duration_or_throw("-T", active_timeout, true);
    }
    if (frame_opt->count() != 0) {
      const auto size = size_or_throw("-f", frame_size);
      if (size < 16384 || size > 16777215) {  // RFC 9113 §6.5.2
        throw UsageError{"-f, --max-frame-size must be from 16384 to 16777215"};
      }
      plan.max_frame_size = static_cast<std::uint32_t>(size);
    }
    if (plan.window_bits > 30) throw UsageError{"-w, --window-bits: at most 30"};
    if (plan.connection_window_bits > 30) {
      throw UsageError{"-W, --connection-window-bits: at most 30"};
    }
    // Asked of the kernel now, so a refused name is a usage error and not 64 failed connects.
    if (!plan.tcp_congestion.empty()) {
      h2io::Fd probe(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
      try {
        h2io::set_congestion_control(probe.get(), plan.tcp_congestion);
      } catch (const h2io::IoError& e) {
        throw UsageError{std::string("--tcp-congestion: ") + e.what()};
      }
    }
    const auto table_size = [&](CLI::Option* opt, const std::string& text, const char* flag,
                                std::uint32_t& out) {
      if (opt->count() == 0) return;
      const auto size = size_or_throw(flag, text);
      if (size > UINT32_MAX) throw UsageError{std::string(flag) + ": too large"};
      out = static_cast<std::uint32_t>(size);
    };
    table_size(hts_opt, header_table_size, "--header-table-size", plan.header_table_size);
    table_size(ehts_opt, encoder_header_table_size, "--encoder-header-table-size",
               plan.encoder_header_table_size);

    if (error_opt->count() != 0) plan.max_error_rate = error_rate_or_throw(max_error_rate);
    if (json_opt->count() != 0) {
      check_output_path("--json", json_path);
      plan.json_path = json_path;
    }
    if (report_opt->count() != 0) {
      check_output_path("--report", report_path);
      plan.report_path = report_path;
    }
    if (plan.json_path && plan.report_path && *plan.json_path == *plan.report_path) {
      throw UsageError{"--json and --report name the same file"};
    }
    if (sim_opt->count() != 0) plan.simulate = simulation_or_throw(simulate);
    plan.progress = !no_progress;
  } catch (const UsageError& e) {
    result.exit_status = 1;
    result.err += "h2bench: " + e.message + "\n" +
                  "Usage: h2bench [OPTIONS]... URI...\nTry 'h2bench --help' for more information.\n";
    return result;
  }
  if (dry_run) {
    result.dry_run = true;
    result.out = describe_plan(plan);
    return result;
  }
  result.plan = std::move(plan);
  return result;
}

std::string describe_plan(const RunPlan& plan) {
  std::ostringstream out;
  out << "target: " << plan.scheme << "://" << plan.host << ":" << plan.port
      << " (:authority " << plan.authority << ")\n";
  out << "paths:";
  for (const auto& p : plan.paths) out << " " << p.text();
  out << "\nmethod: " << plan.method << ", body " << plan.body.size() << " bytes\n";
  out << "headers:";
  for (const auto& h : plan.headers) out << " [" << h.name << ": " << h.value << "]";
  out << "\nload: " << plan.clients << " clients, " << plan.threads << " threads, "
      << plan.max_concurrent_streams << " streams per client, ";
  if (plan.duration) {
    out << format_duration(static_cast<double>(*plan.duration)) << " after "
        << format_duration(static_cast<double>(plan.warm_up)) << " of warm-up";
  } else {
    out << plan.requests << " requests";
  }
  if (plan.rate) out << ", open loop at " << *plan.rate << " requests/s";
  out << "\ntimeouts: connect " << format_duration(static_cast<double>(plan.connect_timeout))
      << ", inactivity " << format_duration(static_cast<double>(plan.inactivity_timeout))
      << ", active " << format_duration(static_cast<double>(plan.active_timeout)) << "\n";
  out << "max error rate: " << plan.max_error_rate << "\n";
  if (!plan.tcp_congestion.empty()) out << "tcp congestion control: " << plan.tcp_congestion << "\n";
  return out.str();
}

}  // namespace h2bench
