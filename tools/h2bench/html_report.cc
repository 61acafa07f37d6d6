#include "html_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "json_report.h"
#include "units.h"
#include "summary_text.h"

namespace h2bench {
namespace {


// A value axis from 0 to a round number at or above `top`, with 5 steps.
double nice_ceiling(double top) {
  if (top <= 0) return 1;
  const double magnitude = std::pow(10.0, std::floor(std::log10(top)));
  for (const double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * magnitude >= top) return m * magnitude;
  }
  return 10 * magnitude;
}

// The plot area inside a 720x320 view box.
constexpr double kWidth = 720, kHeight = 320;
constexpr double kLeft = 80, kRight = 40, kTop = 20, kBottom = 50;
constexpr double kPlotW = kWidth - kLeft - kRight, kPlotH = kHeight - kTop - kBottom;

struct Series {
  std::string name;
  std::string css_class;
  std::vector<std::pair<double, double>> points;  // plot units, x in [0, x_max], y in [0, y_max]
  double bar_width = 0;  // > 0: one bar per point, this wide in x units, centred on x
};

std::string svg_plot(const std::string& title, const std::vector<Series>& series, double x_max,
                     double y_max, const std::vector<std::pair<double, std::string>>& x_ticks,
                     const auto& y_label) {
  std::string svg = string_printf(R"(<svg class="plot" viewBox="0 0 %.0f %.0f" role="img" aria-label=")",
                        kWidth, kHeight) +
                    escape_html(title) + "\">\n";
  const auto px = [&](double x) { return kLeft + (x_max > 0 ? x / x_max : 0) * kPlotW; };
  const auto py = [&](double y) { return kTop + kPlotH - (y_max > 0 ? y / y_max : 0) * kPlotH; };
  // Grid and y labels.
  for (int i = 0; i <= 5; ++i) {
    const double y = y_max * i / 5;
    svg += string_printf(R"(<line class="grid" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>)", kLeft, py(y),
               kLeft + kPlotW, py(y));
    svg += string_printf(R"(<text class="label" x="%.1f" y="%.1f" text-anchor="end">)", kLeft - 6,
               py(y) + 4) +
           escape_html(y_label(y)) + "</text>\n";
  }
  for (const auto& [x, label] : x_ticks) {
    svg += string_printf(R"(<line class="grid" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>)", px(x), kTop,
               px(x), kTop + kPlotH);
    svg += string_printf(R"(<text class="label" x="%.1f" y="%.1f" text-anchor="middle">)", px(x),
               kTop + kPlotH + 18) +
           escape_html(label) + "</text>\n";
  }
  svg += string_printf(R"(<rect class="frame" x="%.1f" y="%.1f" width="%.1f" height="%.1f"/>)", kLeft, kTop,
             kPlotW, kPlotH) +
         "\n";
  double legend_x = kLeft;
  for (const Series& s : series) {
    if (s.bar_width > 0) {
      // Bars: a per-second count is a bucket, and a run of one second still shows.
      for (const auto& [x, y] : s.points) {
        const double left = px(x - s.bar_width / 2);
        const double top = py(std::min(y, y_max));
        svg += string_printf(R"(<rect class="bar %s" x="%.1f" y="%.1f" width="%.1f" height="%.1f"/>)",
                             s.css_class.c_str(), left, top, px(x + s.bar_width / 2) - left,
                             kTop + kPlotH - top) +
               "\n";
      }
    } else {
      std::string points;
      for (const auto& [x, y] : s.points) {
        points += string_printf("%.1f,%.1f ", px(x), py(std::min(y, y_max)));
      }
      if (!points.empty()) points.pop_back();
      svg += "<polyline class=\"" + s.css_class + "\" points=\"" + points + "\"/>\n";
    }
    svg += string_printf(R"(<text class="legend %s" x="%.1f" y="%.1f">)", s.css_class.c_str(), legend_x,
               kHeight - 8) +
           escape_html(s.name) + "</text>\n";
    legend_x += 40 + 8 * static_cast<double>(s.name.size());
  }
  svg += "</svg>\n";
  return svg;
}

// x = log10(1 / (1 - p)): 0 at p0, 1 at p90, 2 at p99 ... 5 at p99.999.
double percentile_x(double percent) {
  const double rest = 1.0 - percent / 100.0;
  return rest <= 1e-5 ? 5.0 : std::log10(1.0 / rest);
}

std::string latency_plot(const RunResults& r) {
  std::vector<Series> series;
  double y_top = 0;
  const auto add = [&](const std::string& name, const std::string& css,
                       const LatencyHistogram& h) {
    Series s{name, css, {}};
    for (const auto& [percent, value] : percentile_curve(h)) {
      s.points.emplace_back(percentile_x(percent), static_cast<double>(value));
      y_top = std::max(y_top, static_cast<double>(value));
    }
    series.push_back(std::move(s));
  };
  add(r.open_loop ? "time for request (from intended start)" : "time for request", "s1",
      *r.request_latency);
  if (r.open_loop) add("service time (from send)", "s2", *r.service_time);
  const std::vector<std::pair<double, std::string>> ticks = {
      {0, "0%"}, {1, "90%"}, {2, "99%"}, {3, "99.9%"}, {4, "99.99%"}, {5, "99.999%"}};
  return svg_plot("latency by percentile", series, 5, nice_ceiling(y_top), ticks,
                  [](double y) { return format_latency(y); });
}

std::string throughput_plot(const RunResults& r) {
  Series done{"responses/s", "s1", {}, 0.8};
  Series errors{"errors/s (failed requests)", "s3", {}, 0.4};
  double y_top = 0;
  for (std::size_t i = 0; i < r.timeline.size(); ++i) {
    const auto& p = r.timeline[i];
    // Each point at the middle of its second.
    done.points.emplace_back(static_cast<double>(i) + 0.5, static_cast<double>(p.completed));
    errors.points.emplace_back(static_cast<double>(i) + 0.5, static_cast<double>(p.errors));
    y_top = std::max(y_top, static_cast<double>(p.completed));
  }
  const double x_max = std::max<double>(1.0, static_cast<double>(r.timeline.size()));
  std::vector<std::pair<double, std::string>> ticks;
  const int step = std::max(1, static_cast<int>(std::ceil(x_max / 10)));
  for (int s = 0; s <= static_cast<int>(x_max); s += step) ticks.emplace_back(s, string_printf("%ds", s));
  return svg_plot("throughput over time", {done, errors}, x_max, nice_ceiling(y_top), ticks,
                  [](double y) { return string_printf("%.0f", y); });
}

constexpr std::string_view kStyle = R"(
body { font-family: sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
pre { background: #f6f6f6; padding: 1em; overflow-x: auto; font-size: 0.85em; }
svg.plot { width: 100%; height: auto; background: #fff; }
.grid { stroke: #ddd; stroke-width: 1; }
.frame { fill: none; stroke: #888; }
.label { font-size: 11px; fill: #555; }
.legend { font-size: 12px; }
polyline { fill: none; stroke-width: 2; }
polyline.s1 { stroke: #1f6fb2; } text.s1 { fill: #1f6fb2; } rect.s1 { fill: #9ecae1; }
polyline.s2 { stroke: #e08214; } text.s2 { fill: #e08214; }
polyline.s3 { stroke: #c0392b; } text.s3 { fill: #c0392b; } rect.s3 { fill: #c0392b; }
)";

}  // namespace

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_html_report(const RunPlan& plan, const RunResults& r,
                               std::string_view summary_text) {
  std::string html;
  html += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n";
  html += "<title>h2bench report</title>\n<style>";
  html += kStyle;
  html += "</style>\n</head>\n<body>\n<h1>h2bench report</h1>\n<p>";
  for (const auto& uri : plan.uris) html += "<code>" + escape_html(uri) + "</code> ";
  html += "</p>\n<p>";
  html += escape_html(string_printf("%u clients, %u threads, %u streams per client", plan.clients,
                          plan.threads, plan.max_concurrent_streams));
  if (plan.duration) {
    html += escape_html(string_printf(", %.3g s measured after %.3g s of warm-up",
                            static_cast<double>(*plan.duration) / 1e9,
                            static_cast<double>(plan.warm_up) / 1e9));
  } else {
    html += escape_html(string_printf(", %llu requests", static_cast<unsigned long long>(plan.requests)));
  }
  if (plan.rate) html += escape_html(string_printf(", open loop at %.2f requests/s", *plan.rate));
  html += ".</p>\n<h2>Summary</h2>\n<pre>" + escape_html(summary_text) + "</pre>\n";
  html += "<h2>Latency by percentile</h2>\n" + latency_plot(r);
  html += "<h2>Throughput over time</h2>\n<p>Responses completed in each second after the "
          "warm-up; the last second may be partial.</p>\n" +
          throughput_plot(r);
  html += "</body>\n</html>\n";
  return html;
}

}  // namespace h2bench
