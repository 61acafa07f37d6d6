#include "json_report.h"

#include <gtest/gtest.h>

#include <set>
#include <vector>

namespace h2bench {
namespace {

using Json = nlohmann::ordered_json;

// Every key path: "a.b" for objects, "a[]" for array elements (merged over the elements).
void collect_keys(const Json& j, const std::string& prefix, std::set<std::string>& out) {
  if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      const std::string path = prefix.empty() ? key : prefix + "." + key;
      out.insert(path);
      collect_keys(value, path, out);
    }
  } else if (j.is_array()) {
    for (const auto& element : j) collect_keys(element, prefix + "[]", out);
  }
}

struct Fixture {
  RunPlan plan;
  std::unique_ptr<Recorder> recorder;
  RunResults results;
  Fixture() {
    plan.uris = {"http://h/"};
    plan.paths.emplace_back("/");
    plan.requests = 3;
    plan.headers.push_back({"user-agent", "t"});
    RecorderConfig config;
    config.client_count = 1;
    recorder = std::make_unique<Recorder>(config);
    recorder->connect_started(0, 0);
    recorder->connected(0, 10);
    recorder->first_byte(0, 20);
    for (int i = 0; i < 2; ++i) {
      recorder->request_started(0);
      recorder->response_headers(0, 500, 200, 5, 20);
      recorder->request_completed(0, 0, 0, 1000, 200, 100);
    }
    recorder->request_failed(0, 30, FailureReason::kGoaway);
    const std::vector<const Recorder*> recorders = {recorder.get()};
    results = merge_results(plan, recorders, 0, kSecond);
  }
};

TEST(JsonReport, KeysAreStable) {
  Fixture f;
  const Json j = results_to_json(f.plan, f.results, 2);
  std::set<std::string> keys;
  collect_keys(j, "", keys);
  const auto histogram = [](const std::string& name) {
    return std::vector<std::string>{
        name, name + ".count", name + ".min_us", name + ".max_us", name + ".mean_us",
        name + ".sd_us", name + ".within_sd_percent", name + ".percentiles_us",
        name + ".percentiles_us.p50", name + ".percentiles_us.p90", name + ".percentiles_us.p99",
        name + ".percentiles_us.p99_9", name + ".percentiles_us.p99_99",
        name + ".percentiles_us.max", name + ".percentile_curve_us"};
  };
  const auto stats = [](const std::string& name, const std::string& unit) {
    return std::vector<std::string>{name, name + ".count", name + ".min" + unit, name + ".max" + unit,
                                    name + ".mean" + unit, name + ".sd" + unit,
                                    name + ".within_sd_percent"};
  };
  std::set<std::string> expected = {
      "schema", "tool", "config", "config.uris", "config.method", "config.requests",
      "config.clients", "config.threads", "config.max_concurrent_streams", "config.duration_s",
      "config.warm_up_s", "config.rate", "config.headers", "config.body_bytes",
      "config.connect_timeout_s", "config.inactivity_timeout_s", "config.active_timeout_s",
      "config.max_error_rate", "finished_in_s", "measured_s", "requests_per_s", "bytes_per_s",
      "requests", "requests.total", "requests.started", "requests.done", "requests.succeeded",
      "requests.failed", "requests.errored", "requests.timeout", "requests.not_sent",
      "requests.abandoned", "status_codes", "status_codes.1xx", "status_codes.2xx",
      "status_codes.3xx", "status_codes.4xx", "status_codes.5xx", "status_codes.other",
      "errors", "connection_errors", "traffic", "traffic.total_bytes", "traffic.header_bytes",
      "traffic.header_decoded_bytes", "traffic.header_space_savings_percent",
      "traffic.data_bytes", "timeline", "timeline[].second", "timeline[].completed",
      "timeline[].succeeded", "timeline[].errors", "timeline[].data_bytes", "verdict",
      "verdict.error_rate", "verdict.max_error_rate", "verdict.exit_status"};
  for (const auto name : kFailureReasonNames) {
    expected.insert("errors." + std::string(name));
    expected.insert("connection_errors." + std::string(name));
  }
  for (const char* name : {"time_for_request", "time_to_response_headers", "service_time"}) {
    for (const auto& key : histogram(name)) expected.insert(key);
  }
  for (const auto& key : stats("time_for_connect", "_us")) expected.insert(key);
  for (const auto& key : stats("time_to_1st_byte", "_us")) expected.insert(key);
  for (const auto& key : stats("client_requests_per_s", "")) expected.insert(key);
  EXPECT_EQ(keys, expected);
}

TEST(JsonReport, FiguresMatchTheResults) {
  Fixture f;
  const Json j = results_to_json(f.plan, f.results, 2);
  EXPECT_EQ(j["schema"], kJsonSchema);
  EXPECT_EQ(j["requests"]["total"], 3);
  EXPECT_EQ(j["requests"]["succeeded"], 2);
  EXPECT_EQ(j["requests"]["failed"], 1);
  EXPECT_EQ(j["requests"]["errored"], 1);
  EXPECT_EQ(j["errors"]["goaway"], 1);
  EXPECT_EQ(j["status_codes"]["2xx"], 2);
  EXPECT_EQ(j["traffic"]["data_bytes"], 200);
  EXPECT_DOUBLE_EQ(j["time_for_request"]["percentiles_us"]["p99"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j["time_to_response_headers"]["max_us"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(j["time_for_connect"]["mean_us"].get<double>(), 0.01);
  EXPECT_EQ(j["verdict"]["exit_status"], 2);
  EXPECT_TRUE(j["config"]["duration_s"].is_null());
  EXPECT_EQ(j["config"]["headers"][0], "user-agent: t");
}

TEST(PercentileCurve, RisesToTheMaxAndReachesFiveNines) {
  LatencyHistogram h;
  for (std::int64_t v = 1; v <= 100000; ++v) h.record(v);
  const auto curve = percentile_curve(h);
  ASSERT_FALSE(curve.empty());
  for (std::size_t i = 1; i < curve.size(); ++i) {
    EXPECT_GT(curve[i].first, curve[i - 1].first);
    EXPECT_GE(curve[i].second, curve[i - 1].second);
  }
  EXPECT_NEAR(curve[curve.size() - 2].first, 99.999, 1e-9);
  EXPECT_EQ(curve.back().first, 100.0);
  EXPECT_EQ(curve.back().second, 100000u);
  EXPECT_TRUE(percentile_curve(LatencyHistogram{}).empty());
}

}  // namespace
}  // namespace h2bench
