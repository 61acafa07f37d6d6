#include "html_report.h"

#include <gtest/gtest.h>

#include <vector>

namespace h2bench {
namespace {

// Tags open and close in order (void elements self-closed), so the page is well-formed.
// Returns the first problem, or "" when there is none.
std::string structure_problem(const std::string& html) {
  std::vector<std::string> open;
  std::size_t at = 0;
  while ((at = html.find('<', at)) != std::string::npos) {
    const auto end = html.find('>', at);
    if (end == std::string::npos) return "unterminated tag";
    const std::string tag = html.substr(at + 1, end - at - 1);
    at = end + 1;
    if (tag.starts_with("!DOCTYPE")) continue;
    if (tag.starts_with('/')) {
      if (open.empty() || open.back() != tag.substr(1)) return "unexpected </" + tag.substr(1) + ">";
      open.pop_back();
      continue;
    }
    if (tag.ends_with('/')) continue;
    open.push_back(tag.substr(0, tag.find_first_of(" \n")));
  }
  return open.empty() ? "" : "unclosed <" + open.back() + ">";
}

struct Fixture {
  RunPlan plan;
  std::unique_ptr<Recorder> recorder;
  RunResults results;
  Fixture() {
    plan.uris = {"http://h/<b>&x"};
    plan.paths.emplace_back("/");
    plan.requests = 2;
    plan.rate = 100;
    RecorderConfig config;
    config.client_count = 1;
    recorder = std::make_unique<Recorder>(config);
    recorder->request_completed(0, 0, 0, 1000, 200, 0);
    recorder->request_completed(0, 0, 0, kSecond + 5000, 200, 0);
    const std::vector<const Recorder*> recorders = {recorder.get()};
    results = merge_results(plan, recorders, 0, 2 * kSecond);
  }
};

TEST(HtmlReport, IsWellFormed) {
  Fixture f;
  const std::string html = render_html_report(f.plan, f.results, "summary <text> & more\n");
  EXPECT_EQ(structure_problem(html), "");
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>"));
}

TEST(HtmlReport, LoadsNothingFromOutside) {
  Fixture f;
  const std::string html = render_html_report(f.plan, f.results, "");
  for (const char* fetches : {"<script", "<link", "<img", "<iframe", "<object", "src=",
                              "href=", "url(", "@import", "xmlns"}) {
    EXPECT_EQ(html.find(fetches), std::string::npos) << fetches;
  }
}

TEST(HtmlReport, HasBothPlots) {
  Fixture f;
  const std::string html = render_html_report(f.plan, f.results, "");
  EXPECT_NE(html.find("aria-label=\"latency by percentile\""), std::string::npos);
  EXPECT_NE(html.find("aria-label=\"throughput over time\""), std::string::npos);
  EXPECT_NE(html.find("99.99%"), std::string::npos);
  EXPECT_NE(html.find("service time"), std::string::npos);  // open loop: both curves
}

TEST(HtmlReport, EscapesWhatItQuotes) {
  Fixture f;
  const std::string html = render_html_report(f.plan, f.results, "a <b> & c");
  EXPECT_NE(html.find("http://h/&lt;b&gt;&amp;x"), std::string::npos);
  EXPECT_NE(html.find("a &lt;b&gt; &amp; c"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
}

TEST(HtmlReport, EmptyRunStillRenders) {
  RunPlan plan;
  plan.uris = {"http://h/"};
  RunResults results;
  results.request_latency = std::make_unique<LatencyHistogram>();
  results.first_byte_latency = std::make_unique<LatencyHistogram>();
  results.service_time = std::make_unique<LatencyHistogram>();
  EXPECT_EQ(structure_problem(render_html_report(plan, results, "")), "");
}

TEST(EscapeHtml, EscapesTheFiveSpecialCharacters) {
  EXPECT_EQ(escape_html("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

}  // namespace
}  // namespace h2bench
