#pragma once
// --report FILE.html: one self-contained page (inline CSS and SVG, no script, no external
// resource) with the summary, a latency-by-percentile plot and throughput over time. The
// markup is also well-formed XML (void elements self-closed), so any parser can check it.
#include <string>
#include <string_view>

#include "results.h"
#include "run_plan.h"

namespace h2bench {

std::string render_html_report(const RunPlan& plan, const RunResults& results,
                               std::string_view summary_text);

// &, <, >, " and ' as character references.
std::string escape_html(std::string_view text);

}  // namespace h2bench
