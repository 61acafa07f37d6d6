// The one place that turns an event message into the Handler call it stands for, shared by
// inline actors (on the worker) and threaded ones (on an actor thread). Headers and data come
// separately: views of the received bytes inline, decoded from the message's blob otherwise.
#pragma once

#include "h2engine/app.h"
#include "messages.h"

namespace h2engine {

inline void call_handler(Handler& h, Context& cx, const ToActor& m, h2::HeaderList headers,
                         h2::Bytes data) {
  switch (m.kind) {
    case ToActor::Kind::kConnectionOpen:
      h.on_connection_open(cx, m.ref.connection, m.value);
      break;
    case ToActor::Kind::kConnectionClosed:
      h.on_connection_closed(cx, m.ref.connection, static_cast<CloseReason>(m.value), m.aux);
      break;
    case ToActor::Kind::kHeaders:
      h.on_headers(cx, m.ref, headers, m.end_stream);
      break;
    case ToActor::Kind::kInformational:
      h.on_informational(cx, m.ref, headers);
      break;
    case ToActor::Kind::kData:
      h.on_data(cx, m.ref, data, m.end_stream);
      break;
    case ToActor::Kind::kTrailers:
      h.on_trailers(cx, m.ref, headers);
      break;
    case ToActor::Kind::kReset:
      h.on_reset(cx, m.ref, static_cast<h2::ErrorCode>(m.value));
      break;
    case ToActor::Kind::kLost:
      h.on_stream_lost(cx, m.ref, static_cast<CloseReason>(m.value));
      break;
    case ToActor::Kind::kSent:
      h.on_sent(cx, m.ref, m.value);
      break;
  }
}

}  // namespace h2engine
