#include "json_report.h"

#include <cmath>
#include <fstream>

#include "units.h"

namespace h2bench {
namespace {

using Json = nlohmann::ordered_json;

double to_us(double nanos) { return nanos / 1e3; }

Json stats_json(const SampleStats& s, bool times) {
  const auto scale = [times](double v) { return times ? to_us(v) : v; };
  Json j;
  const char* suffix = times ? "_us" : "";
  j["count"] = s.count;
  j[std::string("min") + suffix] = scale(s.min);
  j[std::string("max") + suffix] = scale(s.max);
  j[std::string("mean") + suffix] = scale(s.mean);
  j[std::string("sd") + suffix] = scale(s.sd);
  j["within_sd_percent"] = s.within_sd_percent;
  return j;
}

Json histogram_json(const LatencyHistogram& h) {
  Json j = stats_json(stats_of(h), true);
  Json p;
  p["p50"] = to_us(static_cast<double>(h.value_at_percentile(50)));
  p["p90"] = to_us(static_cast<double>(h.value_at_percentile(90)));
  p["p99"] = to_us(static_cast<double>(h.value_at_percentile(99)));
  p["p99_9"] = to_us(static_cast<double>(h.value_at_percentile(99.9)));
  p["p99_99"] = to_us(static_cast<double>(h.value_at_percentile(99.99)));
  p["max"] = to_us(static_cast<double>(h.max()));
  j["percentiles_us"] = p;
  Json curve = Json::array();
  for (const auto& [percent, value] : percentile_curve(h)) {
    curve.push_back(Json::array({percent, to_us(static_cast<double>(value))}));
  }
  j["percentile_curve_us"] = curve;
  return j;
}

Json reasons_json(const std::array<std::uint64_t, kFailureReasonCount>& counts) {
  Json j = Json::object();
  for (std::size_t i = 0; i < kFailureReasonCount; ++i) {
    j[std::string(kFailureReasonNames[i])] = counts[i];
  }
  return j;
}

}  // namespace

std::vector<std::pair<double, std::uint64_t>> percentile_curve(const LatencyHistogram& h) {
  std::vector<std::pair<double, std::uint64_t>> curve;
  if (h.count() == 0) return curve;
  for (int p = 0; p < 90; p += 10) curve.emplace_back(p, h.value_at_percentile(p));
  for (int step = 10; step <= 50; ++step) {  // 1 / (1 - p) from 10 to 100000
    const double percent = 100.0 * (1.0 - std::pow(10.0, -step / 10.0));
    curve.emplace_back(percent, h.value_at_percentile(percent));
  }
  curve.emplace_back(100.0, h.max());
  return curve;
}

nlohmann::ordered_json results_to_json(const RunPlan& plan, const RunResults& r, int exit_status) {
  Json j;
  j["schema"] = kJsonSchema;
  j["tool"] = "h2bench";

  Json config;
  config["uris"] = plan.uris;
  config["method"] = plan.method;
  config["requests"] = plan.timing_based() ? Json(nullptr) : Json(plan.requests);
  config["clients"] = plan.clients;
  config["threads"] = plan.threads;
  config["max_concurrent_streams"] = plan.max_concurrent_streams;
  config["duration_s"] = plan.duration ? Json(static_cast<double>(*plan.duration) / 1e9) : Json(nullptr);
  config["warm_up_s"] = static_cast<double>(plan.warm_up) / 1e9;
  config["rate"] = plan.rate ? Json(*plan.rate) : Json(nullptr);
  Json headers = Json::array();
  for (const auto& h : plan.headers) headers.push_back(h.name + ": " + h.value);
  config["headers"] = headers;
  config["body_bytes"] = plan.body.size();
  config["connect_timeout_s"] = static_cast<double>(plan.connect_timeout) / 1e9;
  config["inactivity_timeout_s"] = static_cast<double>(plan.inactivity_timeout) / 1e9;
  config["active_timeout_s"] = static_cast<double>(plan.active_timeout) / 1e9;
  config["max_error_rate"] = plan.max_error_rate;
  j["config"] = config;

  j["finished_in_s"] = static_cast<double>(r.elapsed) / 1e9;
  j["measured_s"] = static_cast<double>(r.measured) / 1e9;
  j["requests_per_s"] = r.requests_per_second();
  j["bytes_per_s"] = r.bytes_per_second();

  const RequestCounts& c = r.counts;
  Json requests;
  requests["total"] = r.total;
  requests["started"] = c.started;
  requests["done"] = c.done;
  requests["succeeded"] = c.succeeded;
  requests["failed"] = r.failed();
  requests["errored"] = c.errored;
  requests["timeout"] = c.timed_out;
  requests["not_sent"] = c.not_sent;
  requests["abandoned"] = r.abandoned;
  j["requests"] = requests;

  Json status;
  status["1xx"] = c.status_class[1];
  status["2xx"] = c.status_class[2];
  status["3xx"] = c.status_class[3];
  status["4xx"] = c.status_class[4];
  status["5xx"] = c.status_class[5];
  status["other"] = c.status_class[0];
  j["status_codes"] = status;

  j["errors"] = reasons_json(c.by_reason);
  j["connection_errors"] = reasons_json(c.connection_errors);

  Json traffic;
  traffic["total_bytes"] = c.bytes_total;
  traffic["header_bytes"] = c.header_bytes;
  traffic["header_decoded_bytes"] = c.header_decoded_bytes;
  traffic["header_space_savings_percent"] = r.header_space_savings() * 100;
  traffic["data_bytes"] = c.body_bytes;
  j["traffic"] = traffic;

  j["time_for_request"] = histogram_json(*r.request_latency);
  j["time_to_response_headers"] = histogram_json(*r.first_byte_latency);
  j["service_time"] = histogram_json(*r.service_time);
  j["time_for_connect"] = stats_json(stats_of(r.connect_ns), true);
  j["time_to_1st_byte"] = stats_json(stats_of(r.first_byte_ns), true);
  j["client_requests_per_s"] = stats_json(stats_of(r.client_rps), false);

  Json timeline = Json::array();
  for (std::size_t i = 0; i < r.timeline.size(); ++i) {
    const TimelinePoint& p = r.timeline[i];
    Json point;
    point["second"] = i;
    point["completed"] = p.completed;
    point["succeeded"] = p.succeeded;
    point["errors"] = p.errors;
    point["data_bytes"] = p.body_bytes;
    timeline.push_back(point);
  }
  j["timeline"] = timeline;

  Json verdict;
  verdict["error_rate"] = r.error_rate();
  verdict["max_error_rate"] = plan.max_error_rate;
  verdict["exit_status"] = exit_status;
  j["verdict"] = verdict;
  return j;
}

bool write_text_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return false;
  out << text;
  out.close();
  return static_cast<bool>(out);
}

}  // namespace h2bench
