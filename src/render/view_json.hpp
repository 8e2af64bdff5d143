// The JSON type of page views: nlohmann's basic_json over a sorted vector instead of std::map.
//
// A page's view is a tree of small objects (a few to a few dozen fields) that is built once, read
// by name while its templates render, encoded once and dropped. std::map made a node, one
// allocation and one free, for every field of every object: a fifth of a build's CPU went into
// making, searching and freeing those trees. A sorted vector (SortedVectorMap,
// model/sorted_vector_map.hpp) keeps std::map's semantics (unique keys, iteration in key order, so
// views encode and render exactly as before) with one allocation per object and lookups by binary
// search.
//
// nlohmann::basic_json takes the container as its ObjectType template parameter (its ordered_map
// is the library's own example of that hook); only what basic_json calls on it is provided here.
#pragma once

#include "model/sorted_vector_map.hpp"

#include <memory>
#include <nlohmann/json.hpp>
#include <utility>

namespace nines {

// basic_json hands its object container these four parameters; the pair's key is not const, so
// that the vector can shift its elements.
template <class Key, class T, class Compare, class Allocator>
using ViewObjectMap = SortedVectorMap<
    Key, T, Compare,
    typename std::allocator_traits<Allocator>::template rebind_alloc<std::pair<Key, T>>>;

using ViewJson = nlohmann::basic_json<ViewObjectMap>;

} // namespace nines
