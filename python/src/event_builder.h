// Turns the core's events (views valid until the next receive_data) into h2.events objects
// that own copies of everything, with h2's related-event links: a headers or data event's
// `stream_ended` / `priority_updated` is the same object that follows it in the list.
#pragma once

#include <vector>

#include "h2/events.h"
#include "header_convert.h"

namespace h2py {

// A new list of event objects; nullptr with a Python error set on failure.
PyObject* build_events(const std::vector<h2::Event>& events, const HeaderOutput& out);

// ChangedSettings as h2's dict {SettingCodes|int: ChangedSetting} (new reference).
PyObject* changed_settings_dict(const h2::ChangedSettings& changes);

}  // namespace h2py
