#include "header_convert.h"

namespace h2py {

void HeaderInput::release() noexcept {
  for (PyObject* o : owned_) Py_DECREF(o);
  owned_.clear();
  fields_.clear();
}

std::string_view HeaderInput::load_item(PyObject* item) {
  if (PyBytes_Check(item))
    return {PyBytes_AS_STRING(item), static_cast<size_t>(PyBytes_GET_SIZE(item))};
  if (PyUnicode_Check(item)) {
    Py_ssize_t n = 0;
    const char* s = PyUnicode_AsUTF8AndSize(item, &n);  // cached on the str: no copy
    if (!s) throw py::error_already_set();
    return {s, static_cast<size_t>(n)};
  }
  // h2 calls .encode("utf-8") on anything that is not bytes: same errors for the same input.
  PyObject* encoded = PyObject_CallMethod(item, "encode", "s", "utf-8");
  if (!encoded) throw py::error_already_set();
  owned_.push_back(encoded);
  if (!PyBytes_Check(encoded)) {
    PyErr_Format(PyExc_TypeError, "header field encoded to %.100s, expected bytes",
                 Py_TYPE(encoded)->tp_name);
    throw py::error_already_set();
  }
  return {PyBytes_AS_STRING(encoded), static_cast<size_t>(PyBytes_GET_SIZE(encoded))};
}

void HeaderInput::load(PyObject* headers) {
  release();
  PyObject* seq = PySequence_Fast(headers, "headers must be an iterable of header tuples");
  if (!seq) throw py::error_already_set();
  owned_.push_back(seq);
  const Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
  PyObject** items = PySequence_Fast_ITEMS(seq);
  fields_.reserve(static_cast<size_t>(n));
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject* pair = items[i];
    PyObject* name;
    PyObject* value;
    if (PyTuple_Check(pair) && PyTuple_GET_SIZE(pair) >= 2) {
      name = PyTuple_GET_ITEM(pair, 0);
      value = PyTuple_GET_ITEM(pair, 1);
    } else {
      // h2 indexes header[0] and header[1]: the same IndexError / KeyError / TypeError here.
      static PyObject* const zero = PyLong_FromLong(0);
      static PyObject* const one = PyLong_FromLong(1);
      name = PyObject_GetItem(pair, zero);
      if (!name) throw py::error_already_set();
      owned_.push_back(name);
      value = PyObject_GetItem(pair, one);
      if (!value) throw py::error_already_set();
      owned_.push_back(value);
    }
    h2::Header h;
    h.name = load_item(name);
    h.value = load_item(value);
    h.never_indexed = PyObject_TypeCheck(pair, refs.never_indexed_header_tuple);
    fields_.push_back(h);
  }
}

PyObject* make_header_tuple(PyObject* name, PyObject* value, bool never_indexed) {
  if (!name || !value) {
    Py_XDECREF(name);
    Py_XDECREF(value);
    return nullptr;
  }
  // hpack's tuple subclasses have empty __slots__: allocate the subtype directly and fill it
  // like a tuple (what tuple.__new__(cls, (name, value)) does, without the Python-level
  // __new__ call).
  PyTypeObject* type = never_indexed ? refs.never_indexed_header_tuple : refs.header_tuple;
  PyObject* t = type->tp_alloc(type, 2);
  if (!t) {
    Py_DECREF(name);
    Py_DECREF(value);
    return nullptr;
  }
  PyTuple_SET_ITEM(t, 0, name);
  PyTuple_SET_ITEM(t, 1, value);
  return t;
}

PyObject* HeaderOutput::text(std::string_view s) const {
  switch (mode) {
    case Mode::kBytes:
      return bytes_from(s);
    case Mode::kUtf8:
      return PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "strict");
    case Mode::kCodec:
      return PyUnicode_Decode(s.data(), static_cast<Py_ssize_t>(s.size()), codec.c_str(), "strict");
  }
  return nullptr;
}

PyObject* HeaderOutput::tuple(const h2::Header& h) const {
  return make_header_tuple(text(h.name), text(h.value), h.never_indexed);
}

PyObject* HeaderOutput::list(h2::HeaderList headers) const {
  PyObject* out = PyList_New(static_cast<Py_ssize_t>(headers.size()));
  if (!out) return nullptr;
  for (size_t i = 0; i < headers.size(); ++i) {
    PyObject* t = tuple(headers[i]);
    if (!t) {
      Py_DECREF(out);
      return nullptr;
    }
    PyList_SET_ITEM(out, static_cast<Py_ssize_t>(i), t);
  }
  return out;
}

}  // namespace h2py
