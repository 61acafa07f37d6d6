// h2._h2.SettingsCore: the core's Settings (pending/acknowledge semantics) for h2.settings.
// Either owns a Settings (a user's h2.settings.Settings) or is a read-only view of a
// connection's local or remote settings.
#pragma once

#include <memory>

#include "h2/settings.h"
#include "py_refs.h"

namespace h2py {

class SettingsCore {
 public:
  SettingsCore(bool client, py::handle initial_values);
  static SettingsCore view(const h2::Settings& s) { return SettingsCore(&s); }

  const h2::Settings& settings() const { return owned_ ? *owned_ : *view_; }
  h2::Settings& mutable_settings();

 private:
  explicit SettingsCore(const h2::Settings* v) : view_(v) {}
  std::shared_ptr<h2::Settings> owned_;
  const h2::Settings* view_ = nullptr;
};

void bind_settings(py::module_& m);

}  // namespace h2py
