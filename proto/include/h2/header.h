// A header field as the connection API sees it: views plus the HPACK "never indexed" mark
// (h2's HeaderTuple vs NeverIndexedHeaderTuple).
#pragma once

#include <span>
#include <string_view>

#include "h2/hpack.h"

namespace h2 {

using Header = hpack::HeaderField;
using HeaderList = std::span<const Header>;

}  // namespace h2
