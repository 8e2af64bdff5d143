#include "compute/figures_all.hpp"

#include "compute/detail.hpp"
#include "model/numbers.hpp"
#include "model/parallel.hpp"
#include "model/time.hpp"

#include <functional>

namespace nines {
Figures compute_all(const Repo& repo, const std::map<std::string, DailySeries>& series,
                    const std::map<std::string, LiveWindows>& live, std::int64_t now,
                    const History* history, int jobs) {
  const compute_detail::IndexScope index(repo); // the look-ups of every formula below
  // Runs f(i) for i < n on the threads, each answering from this thread's index; f writes only
  // its own slot, so the figures do not depend on the threads.
  const auto lent = compute_detail::IndexScope::current();
  auto each = [&](std::size_t n, const std::function<void(std::size_t)>& f) {
    parallel_for(n, jobs, [&](std::size_t i) {
      const compute_detail::IndexScope scope(lent);
      f(i);
    });
  };
  Figures f;
  f.now = now;
  f.slos = compute_slos(repo, series, live, now, jobs);
  // The figures below depend on the repo and the data only, not on each other: one task each,
  // the readiness of each service one task too, all on the threads. They ran one after the other
  // on one thread, with the other cores idle.
  enum Group : std::size_t {
    k_maturity,
    k_budget_claims,
    k_incidents,
    k_toil,
    k_team_toil,
    k_capacity,
    k_oncall,
    k_groups
  };
  f.readiness.resize(repo.services.size());
  each(k_groups + repo.services.size(), [&](std::size_t i) {
    switch (i) {
    case k_maturity:
      f.maturity = compute_maturity(repo, series, now, history);
      return;
    case k_budget_claims:
      f.budget_claims = check_budget_claims(repo, series);
      // The data's side of each claim rounded as published, for the postmortem page and the
      // weekly review alike (357.142857143, not 357.14285714285717); whether a claim disagrees
      // was decided on the exact figure, far from the noise (5 points and 2× apart).
      for (auto& c : f.budget_claims) {
        for (auto& s : c.slos)
          s.consumed_pct = rounded_figure(s.consumed_pct);
        if (c.computed_pct) c.computed_pct = rounded_figure(*c.computed_pct);
      }
      return;
    case k_incidents:
      f.incidents = compute_incidents(repo, now);
      return;
    case k_toil:
      f.toil = compute_toil(repo, now);
      return;
    case k_team_toil:
      f.team_toil = compute_team_toil(repo, now);
      return;
    case k_capacity:
      f.capacity = compute_capacity(repo);
      return;
    case k_oncall:
      f.oncall = compute_oncall(repo, now);
      return;
    default:
      f.readiness[i - k_groups] =
          compute_readiness(repo, repo.services[i - k_groups].meta.id, series, now);
      return;
    }
  });
  const std::int64_t today = day_of(now);
  const WeekPostmortems week_postmortems = postmortems_by_service(repo, today - 7);
  const ClaimsByPostmortem by_postmortem = claims_by_postmortem(f.budget_claims);
  f.budget_weeks.resize(repo.slos.size());
  each(repo.slos.size(), [&](std::size_t i) {
    const Slo& slo = repo.slos[i];
    auto s = series.find(slo.meta.id);
    const DailySeries* daily = s == series.end() ? nullptr : &s->second;
    // The week that ends with today's start: its end figures are the SLO's own figures at now
    // (the same whole days, the same live windows), so the page's two projected exhaustions are
    // one date, the SPEC's now + R·W/B₂₄ₕ; its start is midnight 7 days before.
    const SloFigures before =
        compute_slo(repo, slo, daily, nullptr, (today - 7) * k_seconds_per_day);
    f.budget_weeks[i] = budget_week(repo, slo, daily, f.slos[i], before, f.budget_claims, today - 7,
                                    &week_postmortems, &by_postmortem);
  });
  // The reviews' error budget weeks SLO by SLO (each SLO's weeks in order share their
  // boundaries), then each week's review from its column.
  const std::vector<IsoWeek> weeks = weeks_with_data(repo, series, now);
  std::vector<WeekPostmortems> review_postmortems(weeks.size());
  each(weeks.size(), [&](std::size_t k) {
    review_postmortems[k] = postmortems_by_service(repo, iso_week_monday(weeks[k]));
  });
  std::vector<std::vector<BudgetWeek>> review_weeks(repo.slos.size());
  each(repo.slos.size(), [&](std::size_t i) {
    const Slo& slo = repo.slos[i];
    auto s = series.find(slo.meta.id);
    review_weeks[i] =
        review_budget_weeks(repo, slo, s == series.end() ? nullptr : &s->second, f.budget_claims,
                            weeks, review_postmortems, by_postmortem);
  });
  std::vector<WeeklyReview> reviews(weeks.size());
  each(weeks.size(), [&](std::size_t k) {
    std::vector<BudgetWeek> column;
    column.reserve(repo.slos.size());
    for (auto& of_slo : review_weeks)
      column.push_back(std::move(of_slo[k]));
    reviews[k] = compute_review(repo, series, f.budget_claims, f.capacity, weeks[k], &column);
  });
  review_weeks.clear();
  for (std::size_t i = 0; i < weeks.size(); ++i)
    f.reviews.emplace(format_iso_week(weeks[i]), std::move(reviews[i]));
  const HandoffIndex handoff_index(repo, f.slos, f.capacity, f.incidents);
  std::vector<Handoff> handoffs(repo.rotations.size());
  each(repo.rotations.size(), [&](std::size_t i) {
    handoffs[i] = compute_handoff(repo, repo.rotations[i], history, handoff_index, now,
                                  today - k_handoff_recent_days);
  });
  for (std::size_t i = 0; i < repo.rotations.size(); ++i)
    f.handoffs.emplace(repo.rotations[i].meta.id, std::move(handoffs[i]));
  // Months up to the current one: a month that has not begun has no report, whatever rows or
  // documents are dated in it (a row of a day to come is stored and never shown, csv-future-date).
  const std::vector<std::string> with_data = months_with_data(repo, series);
  std::vector<std::string> months = with_data;
  const std::string this_month = period_of_day(today);
  std::erase_if(months, [&](const std::string& p) { return p > this_month; });
  std::vector<std::optional<MonthlyReport>> reports(months.size());
  each(months.size(), [&](std::size_t i) {
    reports[i] = compute_report(repo, series, months[i], now, &with_data);
  });
  for (std::size_t i = 0; i < months.size(); ++i)
    if (reports[i]) f.reports.emplace(months[i], std::move(*reports[i]));
  // Frozen months: their figures come from the repo, even when no data is left to recompute them.
  // A month without data is still computed first: the lists that come from documents rather than
  // metrics (its postmortems, the rotations reporting and their critical metrics, people's lists)
  // stay live, as they do for a frozen month that still has data.
  for (const auto& doc : repo.reports) {
    if (doc.frozen_json.empty() || doc.period > this_month) continue;
    auto it = f.reports.find(doc.period);
    if (it == f.reports.end()) {
      std::optional<MonthlyReport> r = compute_report(repo, series, doc.period, now, &with_data);
      if (!r) { // a malformed period: only what the document holds
        r.emplace();
        r->period = doc.period;
        r->report_doc = doc.meta.id;
        r->highlights = doc.highlights;
        r->concerns = doc.concerns;
        r->next_month_priorities = doc.next_month_priorities;
      }
      it = f.reports.emplace(doc.period, std::move(*r)).first;
    }
    apply_frozen(it->second, doc.frozen_json);
  }
  return f;
}

} // namespace nines
