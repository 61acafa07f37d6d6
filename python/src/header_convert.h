// Header lists between Python and the core.
//
// In: any iterable of 2-item sequences (tuple, hpack HeaderTuple / NeverIndexedHeaderTuple,
// list) whose items are bytes or str (str is UTF-8 encoded, as h2's utf8_encode_headers);
// other items get `.encode("utf-8")` called on them, so they fail exactly as in h2.
// NeverIndexedHeaderTuple sets the HPACK never-indexed mark.
// Out: lists of HeaderTuple / NeverIndexedHeaderTuple holding bytes, or text when the
// connection's header_encoding asks for it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "h2/header.h"
#include "py_refs.h"

namespace h2py {

class HeaderInput {
 public:
  // Replaces the current contents; throws py::error_already_set on a bad item.
  void load(PyObject* headers);
  h2::HeaderList view() const noexcept { return {fields_.data(), fields_.size()}; }
  size_t size() const noexcept { return fields_.size(); }
  // Drops the references taken by load (call when the fields are no longer needed).
  void release() noexcept;
  ~HeaderInput() { release(); }

 private:
  std::string_view load_item(PyObject* item);
  std::vector<h2::Header> fields_;
  std::vector<PyObject*> owned_;  // encoded temporaries and fetched items
};

// How received names and values become Python objects.
struct HeaderOutput {
  enum class Mode { kBytes, kUtf8, kCodec } mode = Mode::kBytes;
  std::string codec;                             // kCodec: the header_encoding name
  PyObject* text(std::string_view s) const;      // new reference (bytes or str)
  PyObject* tuple(const h2::Header& h) const;    // HeaderTuple / NeverIndexedHeaderTuple
  PyObject* list(h2::HeaderList headers) const;  // new list
};

// h2's header tuple flavour for `never_indexed` (new reference), holding name and value
// (references stolen).
PyObject* make_header_tuple(PyObject* name, PyObject* value, bool never_indexed);

}  // namespace h2py
