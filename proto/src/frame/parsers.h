// Per-type payload parsers, one family per source file. Each assumes the header already
// passed check_frame_header (stream association and fixed lengths).
#pragma once

#include "h2/frame.h"

namespace h2::frame::detail {

// parse_frame without the header checks, for callers that already ran check_frame_header
// and pass a payload of exactly h.length bytes (the Reader).
FrameError parse_checked(const FrameHeader& h, Bytes payload, Frame& out) noexcept;

FrameError parse_data(const FrameHeader& h, Bytes payload, Frame& out) noexcept;
FrameError parse_headers(const FrameHeader& h, Bytes payload, Frame& out) noexcept;
FrameError parse_push_promise(const FrameHeader& h, Bytes payload, Frame& out) noexcept;
FrameError parse_continuation(const FrameHeader& h, Bytes payload, Frame& out) noexcept;
FrameError parse_priority(const FrameHeader& h, Bytes payload, Frame& out) noexcept;
FrameError parse_rst_stream(const FrameHeader& h, Bytes payload, Frame& out) noexcept;
FrameError parse_settings(const FrameHeader& h, Bytes payload, Frame& out) noexcept;
FrameError parse_ping(const FrameHeader& h, Bytes payload, Frame& out) noexcept;
FrameError parse_goaway(const FrameHeader& h, Bytes payload, Frame& out) noexcept;
FrameError parse_window_update(const FrameHeader& h, Bytes payload, Frame& out) noexcept;
FrameError parse_altsvc(const FrameHeader& h, Bytes payload, Frame& out) noexcept;
FrameError parse_origin(const FrameHeader& h, Bytes payload, Frame& out) noexcept;
FrameError parse_priority_update(const FrameHeader& h, Bytes payload, Frame& out) noexcept;
FrameError parse_unknown(const FrameHeader& h, Bytes payload, Frame& out) noexcept;

}  // namespace h2::frame::detail
