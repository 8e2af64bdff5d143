// The JSON type of page views: nlohmann's basic_json over a sorted vector instead of std::map.
//
// A page's view is a tree of small objects (a few to a few dozen fields) that is built once, read
// by name while its templates render, encoded once and dropped. std::map made a node, one
// allocation and one free, for every field of every object: a fifth of a build's CPU went into
// making, searching and freeing those trees. A sorted vector keeps std::map's semantics (unique
// keys, iteration in key order, so views encode and render exactly as before) with one allocation
// per object and lookups by binary search over contiguous memory.
//
// nlohmann::basic_json takes the container as its ObjectType template parameter (its ordered_map
// is the library's own example of that hook); only what basic_json calls on it is provided here.
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <tuple>
#include <utility>
#include <vector>

namespace nines {

template <class Key, class T, class Compare = std::less<>,
          class Allocator = std::allocator<std::pair<Key, T>>>
class SortedVectorMap : private std::vector<std::pair<Key, T>, Allocator> {
  using Base = std::vector<std::pair<Key, T>, Allocator>;

public:
  using key_type = Key;
  using mapped_type = T;
  using value_type = std::pair<Key, T>;
  using key_compare = Compare;
  using typename Base::allocator_type;
  using typename Base::const_iterator;
  using typename Base::iterator;
  using typename Base::size_type;

  SortedVectorMap() = default;
  explicit SortedVectorMap(const Allocator& alloc) : Base(alloc) {}
  template <class It>
  SortedVectorMap(It first, It last, const Allocator& alloc = Allocator()) : Base(alloc) {
    for (; first != last; ++first)
      emplace(first->first, first->second);
  }
  SortedVectorMap(std::initializer_list<value_type> init, const Allocator& alloc = Allocator())
      : SortedVectorMap(init.begin(), init.end(), alloc) {}

  using Base::begin;
  using Base::cbegin;
  using Base::cend;
  using Base::clear;
  using Base::empty;
  using Base::end;
  using Base::max_size;
  using Base::reserve;
  using Base::size;

  template <class K> iterator find(const K& key) {
    auto it = lower(key);
    return it != end() && !Compare()(key, it->first) ? it : end();
  }
  template <class K> const_iterator find(const K& key) const {
    auto it = lower(key);
    return it != end() && !Compare()(key, it->first) ? it : end();
  }
  template <class K> size_type count(const K& key) const { return find(key) == end() ? 0 : 1; }

  // As std::map::emplace: an existing key keeps its value.
  template <class K, class... Args> std::pair<iterator, bool> emplace(K&& key, Args&&... args) {
    auto it = lower(key);
    if (it != end() && !Compare()(key, it->first)) return {it, false};
    it = Base::emplace(it, std::piecewise_construct, std::forward_as_tuple(std::forward<K>(key)),
                       std::forward_as_tuple(std::forward<Args>(args)...));
    return {it, true};
  }

  // As std::map::emplace_hint for the one hint the views give: the end, when keys come in order,
  // which appends without a search. Any other hint is a plain emplace.
  template <class K, class... Args>
  iterator emplace_hint(const_iterator hint, K&& key, Args&&... args) {
    if (hint == cend() && (empty() || Compare()(Base::back().first, key))) {
      Base::emplace_back(std::piecewise_construct, std::forward_as_tuple(std::forward<K>(key)),
                         std::forward_as_tuple(std::forward<Args>(args)...));
      return std::prev(end());
    }
    return emplace(std::forward<K>(key), std::forward<Args>(args)...).first;
  }

  template <class K> T& operator[](K&& key) { return emplace(std::forward<K>(key)).first->second; }

  template <class K> T& at(const K& key) {
    auto it = find(key);
    if (it == end()) throw std::out_of_range("key not found");
    return it->second;
  }
  template <class K> const T& at(const K& key) const {
    auto it = find(key);
    if (it == end()) throw std::out_of_range("key not found");
    return it->second;
  }

  iterator erase(iterator pos) { return Base::erase(pos); }
  iterator erase(const_iterator pos) { return Base::erase(pos); }
  iterator erase(const_iterator first, const_iterator last) { return Base::erase(first, last); }
  template <class K> size_type erase(const K& key) {
    auto it = find(key);
    if (it == end()) return 0;
    Base::erase(it);
    return 1;
  }

  template <class It> void insert(It first, It last) {
    for (; first != last; ++first)
      emplace(first->first, first->second);
  }
  std::pair<iterator, bool> insert(const value_type& v) { return emplace(v.first, v.second); }
  std::pair<iterator, bool> insert(value_type&& v) {
    return emplace(std::move(v.first), std::move(v.second));
  }

  friend bool operator==(const SortedVectorMap& a, const SortedVectorMap& b) {
    return static_cast<const Base&>(a) == static_cast<const Base&>(b);
  }
  friend bool operator!=(const SortedVectorMap& a, const SortedVectorMap& b) { return !(a == b); }
  friend bool operator<(const SortedVectorMap& a, const SortedVectorMap& b) {
    return static_cast<const Base&>(a) < static_cast<const Base&>(b);
  }

private:
  template <class K> iterator lower(const K& key) {
    return std::lower_bound(begin(), end(), key,
                            [](const value_type& e, const K& k) { return Compare()(e.first, k); });
  }
  template <class K> const_iterator lower(const K& key) const {
    return std::lower_bound(cbegin(), cend(), key,
                            [](const value_type& e, const K& k) { return Compare()(e.first, k); });
  }
};

// basic_json hands its object container these four parameters; the pair's key is not const, so
// that the vector can shift its elements.
template <class Key, class T, class Compare, class Allocator>
using ViewObjectMap = SortedVectorMap<
    Key, T, Compare,
    typename std::allocator_traits<Allocator>::template rebind_alloc<std::pair<Key, T>>>;

using ViewJson = nlohmann::basic_json<ViewObjectMap>;

} // namespace nines
