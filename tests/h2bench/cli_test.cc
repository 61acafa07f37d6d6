#include "cli.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace h2bench {
namespace {

CliResult parse(std::vector<std::string> args) { return parse_command_line(args); }

RunPlan plan_of(std::vector<std::string> args) {
  CliResult result = parse(args);
  EXPECT_TRUE(result.plan.has_value()) << result.err;
  return result.plan ? *result.plan : RunPlan{};
}

void expect_refused(std::vector<std::string> args, const std::string& reason) {
  const CliResult result = parse(args);
  EXPECT_FALSE(result.plan.has_value());
  EXPECT_EQ(result.exit_status, 1);
  EXPECT_NE(result.err.find(reason), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("Usage: h2bench"), std::string::npos) << result.err;
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("h2bench_cli_test_" + name)).string();
}

TEST(Cli, DefaultsAreH2loads) {
  const RunPlan plan = plan_of({"http://127.0.0.1:8080/"});
  EXPECT_EQ(plan.requests, 1u);
  EXPECT_EQ(plan.clients, 1u);
  EXPECT_EQ(plan.threads, 1u);
  EXPECT_EQ(plan.max_concurrent_streams, 1u);
  EXPECT_FALSE(plan.duration.has_value());
  EXPECT_FALSE(plan.rate.has_value());
  EXPECT_EQ(plan.method, "GET");
  EXPECT_EQ(plan.max_error_rate, 0);
  EXPECT_EQ(plan.max_frame_size, 16384u);
  EXPECT_EQ(plan.inactivity_timeout, 0);
  EXPECT_EQ(plan.connect_timeout, 10 * kSecond);
}

TEST(Cli, ShortAndLongFlags) {
  const RunPlan plan = plan_of({"-n", "1000", "-c10", "--threads=2", "-m", "100", "http://h:1/a"});
  EXPECT_EQ(plan.requests, 1000u);
  EXPECT_EQ(plan.clients, 10u);
  EXPECT_EQ(plan.threads, 2u);
  EXPECT_EQ(plan.max_concurrent_streams, 100u);
  EXPECT_EQ(plan.host, "h");
  EXPECT_EQ(plan.port, 1);
}

TEST(Cli, SeveralUrisShareTheFirstAuthority) {
  const RunPlan plan = plan_of({"-n", "2", "http://a:81/x", "http://b:82/y/{n}"});
  EXPECT_EQ(plan.host, "a");
  EXPECT_EQ(plan.authority, "a:81");
  ASSERT_EQ(plan.paths.size(), 2u);
  EXPECT_EQ(plan.paths[0].text(), "/x");
  EXPECT_TRUE(plan.paths[1].has_placeholder());
}

TEST(Cli, DurationAndWarmUpUseH2loadSyntax) {
  const RunPlan plan = plan_of({"-D", "1m", "--warm-up-time", "500ms", "http://h/"});
  EXPECT_EQ(plan.duration, 60 * kSecond);
  EXPECT_EQ(plan.warm_up, 500 * kMillisecond);
  EXPECT_TRUE(plan.timing_based());
}

TEST(Cli, HeadersAreLowerCasedAndOverrideDefaults) {
  const RunPlan plan = plan_of({"-H", "X-Trace: abc", "-H", "User-Agent: mine", "-H",
                                ":authority: other.test", "-H", ":method: PUT", "http://h/"});
  EXPECT_EQ(plan.authority, "other.test");
  EXPECT_EQ(plan.method, "PUT");
  ASSERT_EQ(plan.headers.size(), 2u);
  EXPECT_EQ(plan.headers[0].name, "user-agent");
  EXPECT_EQ(plan.headers[0].value, "mine");
  EXPECT_EQ(plan.headers[1].name, "x-trace");
  EXPECT_EQ(plan.headers[1].value, "abc");
}

TEST(Cli, DataFileMakesAPostWithContentLength) {
  const std::string path = temp_path("body");
  std::ofstream(path) << "hello";
  const RunPlan plan = plan_of({"-d", path, "http://h/"});
  std::remove(path.c_str());
  EXPECT_EQ(plan.method, "POST");
  EXPECT_EQ(plan.body, "hello");
  EXPECT_EQ(plan.headers.back().name, "content-length");
  EXPECT_EQ(plan.headers.back().value, "5");
}

TEST(Cli, InputFileListsUris) {
  const std::string path = temp_path("uris");
  std::ofstream(path) << "http://h:9/a\n\nhttp://h:9/b\r\n";
  const RunPlan plan = plan_of({"-n", "2", "-i", path});
  std::remove(path.c_str());
  ASSERT_EQ(plan.paths.size(), 2u);
  EXPECT_EQ(plan.paths[1].text(), "/b");
}

TEST(Cli, RateAndRps) {
  EXPECT_EQ(plan_of({"--rate", "2500.5", "http://h/"}).rate, 2500.5);
  EXPECT_EQ(plan_of({"--rps", "100", "-c", "4", "-n", "4", "http://h/"}).rate, 400);
}

TEST(Cli, TimeoutsAndAliases) {
  const RunPlan plan = plan_of({"--connect-timeout", "2s", "--inactivity-timeout", "5s", "-T",
                                "1m", "http://h/"});
  EXPECT_EQ(plan.connect_timeout, 2 * kSecond);
  EXPECT_EQ(plan.inactivity_timeout, 5 * kSecond);
  EXPECT_EQ(plan.active_timeout, 60 * kSecond);
  EXPECT_EQ(plan_of({"-N", "3", "http://h/"}).inactivity_timeout, 3 * kSecond);
}

TEST(Cli, MaxErrorRateAsFractionOrPercent) {
  EXPECT_DOUBLE_EQ(plan_of({"--max-error-rate", "0.05", "http://h/"}).max_error_rate, 0.05);
  EXPECT_DOUBLE_EQ(plan_of({"--max-error-rate", "2%", "http://h/"}).max_error_rate, 0.02);
}

TEST(Cli, SettingsFlags) {
  const RunPlan plan = plan_of({"-f", "32K", "-w", "16", "-W", "20", "--header-table-size", "8K",
                                "--encoder-header-table-size", "0", "http://h/"});
  EXPECT_EQ(plan.max_frame_size, 32768u);
  EXPECT_EQ(plan.window_bits, 16u);
  EXPECT_EQ(plan.connection_window_bits, 20u);
  EXPECT_EQ(plan.header_table_size, 8192u);
  EXPECT_EQ(plan.encoder_header_table_size, 0u);
  EXPECT_TRUE(plan.tcp_congestion.empty());
}

TEST(Cli, TcpCongestionIsCheckedWithTheKernel) {
  // reno is in every kernel and always allowed.
  EXPECT_EQ(plan_of({"--tcp-congestion", "reno", "http://h/"}).tcp_congestion, "reno");
  expect_refused({"--tcp-congestion", "no-such-cc", "http://h/"}, "no-such-cc");
}

TEST(Cli, OutputFiles) {
  const std::string dir = std::filesystem::temp_directory_path().string();
  const RunPlan plan = plan_of({"--json", dir + "/r.json", "--report", dir + "/r.html", "http://h/"});
  EXPECT_EQ(plan.json_path, dir + "/r.json");
  EXPECT_EQ(plan.report_path, dir + "/r.html");
}

TEST(Cli, SimulationSpec) {
  const RunPlan plan = plan_of({"--simulate", "latency=2ms,status=404,body=1K,reset-every=10",
                                "http://h/"});
  ASSERT_TRUE(plan.simulate.has_value());
  EXPECT_EQ(plan.simulate->latency, 2 * kMillisecond);
  EXPECT_EQ(plan.simulate->status, 404);
  EXPECT_EQ(plan.simulate->body_bytes, 1024u);
  EXPECT_EQ(plan.simulate->reset_every, 10u);
  EXPECT_EQ(plan_of({"--simulate", "1ms", "http://h/"}).simulate->latency, kMillisecond);
}

TEST(Cli, HelpAndVersionExitZeroWithoutAPlan) {
  const CliResult help = parse({"--help"});
  EXPECT_FALSE(help.plan.has_value());
  EXPECT_EQ(help.exit_status, 0);
  EXPECT_NE(help.out.find("--max-error-rate"), std::string::npos);
  EXPECT_NE(help.out.find("{n}"), std::string::npos);
  const CliResult version = parse({"--version"});
  EXPECT_EQ(version.exit_status, 0);
  EXPECT_EQ(version.out, std::string("h2bench ") + kVersion + "\n");
}

TEST(Cli, DryRunDescribesThePlan) {
  const CliResult result = parse({"--dry-run", "-n", "5", "http://h:8/x"});
  EXPECT_FALSE(result.plan.has_value());
  EXPECT_EQ(result.exit_status, 0);
  EXPECT_TRUE(result.dry_run);
  EXPECT_NE(result.out.find("5 requests"), std::string::npos);
}

TEST(Cli, NIsIgnoredWithDurationAndSaysSo) {
  const CliResult result = parse({"-D", "1s", "-n", "5", "http://h/"});
  ASSERT_TRUE(result.plan.has_value());
  EXPECT_NE(result.err.find("-n is ignored"), std::string::npos);
}

TEST(Cli, RefusesBadCommandLines) {
  expect_refused({}, "no URI given");
  expect_refused({"--bogus", "http://h/"}, "--bogus");
  expect_refused({"https://h/"}, "https is not supported");
  expect_refused({"-n", "abc", "http://h/"}, "--requests");
  expect_refused({"-n", "0", "http://h/"}, "at least 1");
  expect_refused({"-c", "0", "http://h/"}, "at least 1");
  expect_refused({"-m", "0", "http://h/"}, "at least 1");
  expect_refused({"-t", "0", "http://h/"}, "at least 1");
  expect_refused({"-c", "2", "-t", "4", "-n", "10", "http://h/"}, "number of threads");
  expect_refused({"-c", "10", "-n", "5", "http://h/"}, "number of clients");
  expect_refused({"-D", "soon", "http://h/"}, "not a positive duration");
  expect_refused({"-D", "0", "http://h/"}, "not a positive duration");
  expect_refused({"--warm-up-time", "1s", "http://h/"}, "needs -D");
  expect_refused({"-H", "novalue", "http://h/"}, "name: value");
  expect_refused({"-H", ":path: /x", "http://h/"}, "cannot be set");
  expect_refused({"-H", "connection: close", "http://h/"}, "connection-specific");
  expect_refused({"-H", "te: gzip", "http://h/"}, "connection-specific");
  expect_refused({"-d", "/nonexistent/file", "http://h/"}, "cannot read");
  expect_refused({"--rate", "0", "http://h/"}, "positive");
  expect_refused({"--rate", "5", "--rps", "5", "http://h/"}, "exclusive");
  expect_refused({"--max-error-rate", "2", "http://h/"}, "fraction");
  expect_refused({"--max-error-rate", "x", "http://h/"}, "fraction");
  expect_refused({"-f", "100", "http://h/"}, "16384");
  expect_refused({"-w", "31", "http://h/"}, "at most 30");
  expect_refused({"--json", "/nonexistent/dir/x.json", "http://h/"}, "cannot write");
  expect_refused({"--json", "/tmp/same", "--report", "/tmp/same", "http://h/"}, "same file");
  expect_refused({"--simulate", "speed=3", "http://h/"}, "unknown key");
  expect_refused({"-i", "/nonexistent/list", }, "cannot read");
}

}  // namespace
}  // namespace h2bench
