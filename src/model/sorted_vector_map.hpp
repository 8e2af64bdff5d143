// A map kept as a vector of (key, value) pairs sorted by key: std::map's semantics (unique keys,
// iteration in key order, the first emplace of a key wins) with one allocation per map instead of
// one node per element, and look-ups by binary search over contiguous memory. For maps that are
// built once, mostly in key order, and then read: page views (render/view_json.hpp) and daily
// series (model/series.hpp). An insert in the middle moves the elements after it, and any insert
// or erase invalidates iterators and references, as a vector's do.
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <memory>
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

  using typename Base::const_reverse_iterator;
  using typename Base::reverse_iterator;

  using Base::begin;
  using Base::cbegin;
  using Base::cend;
  using Base::clear;
  using Base::empty;
  using Base::end;
  using Base::max_size;
  using Base::rbegin;
  using Base::rend;
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

  // As std::map::emplace: an existing key keeps its value. A key past the last one (a map built
  // in key order, or its first element) is appended without a search.
  template <class K, class... Args> std::pair<iterator, bool> emplace(K&& key, Args&&... args) {
    if (empty() || Compare()(Base::back().first, key)) {
      Base::emplace_back(std::piecewise_construct, std::forward_as_tuple(std::forward<K>(key)),
                         std::forward_as_tuple(std::forward<Args>(args)...));
      return {std::prev(end()), true};
    }
    auto it = lower(key);
    if (it != end() && !Compare()(key, it->first)) return {it, false};
    it = Base::emplace(it, std::piecewise_construct, std::forward_as_tuple(std::forward<K>(key)),
                       std::forward_as_tuple(std::forward<Args>(args)...));
    return {it, true};
  }

  // As std::map::emplace_hint: the one hint the views give, the end when keys come in order, is
  // emplace's own fast path, so the hint is not needed.
  template <class K, class... Args> iterator emplace_hint(const_iterator, K&& key, Args&&... args) {
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

  // The first element whose key is not less than / greater than `key`, as std::map's.
  template <class K> iterator lower_bound(const K& key) {
    return std::lower_bound(begin(), end(), key,
                            [](const value_type& e, const K& k) { return Compare()(e.first, k); });
  }
  template <class K> const_iterator lower_bound(const K& key) const {
    return std::lower_bound(cbegin(), cend(), key,
                            [](const value_type& e, const K& k) { return Compare()(e.first, k); });
  }
  template <class K> iterator upper_bound(const K& key) {
    return std::upper_bound(begin(), end(), key,
                            [](const K& k, const value_type& e) { return Compare()(k, e.first); });
  }
  template <class K> const_iterator upper_bound(const K& key) const {
    return std::upper_bound(cbegin(), cend(), key,
                            [](const K& k, const value_type& e) { return Compare()(k, e.first); });
  }

private:
  template <class K> iterator lower(const K& key) { return lower_bound(key); }
  template <class K> const_iterator lower(const K& key) const { return lower_bound(key); }
};

} // namespace nines
