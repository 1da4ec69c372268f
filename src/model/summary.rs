//! The closing summary: how many areas received each judgement.

use serde::Serialize;

use super::Judgement;

/// How many areas received each judgement, for the closing summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Number of areas for improvement.
    pub total: usize,
    /// Judgements that occur, most frequent first; ties keep the better
    /// judgement first. Judgements no area received are left out.
    pub parts: Vec<SummaryPart>,
}

/// One judgement and how many areas received it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SummaryPart {
    /// The judgement.
    pub judgement: Judgement,
    /// How many areas received it.
    pub count: usize,
}

impl Summary {
    /// Counts the judgements of all areas.
    pub fn of(judgements: impl IntoIterator<Item = Judgement>) -> Summary {
        let mut counts = [0usize; Judgement::ALL.len()];
        let mut total = 0;
        for judgement in judgements {
            counts[Judgement::ALL.iter().position(|j| *j == judgement).unwrap_or_default()] += 1;
            total += 1;
        }
        let mut parts: Vec<SummaryPart> = Judgement::ALL
            .iter()
            .zip(counts)
            .filter(|(_, count)| *count > 0)
            .map(|(judgement, count)| SummaryPart { judgement: *judgement, count })
            .collect();
        // Stable sort: equal counts keep the best-first order of ALL.
        parts.sort_by_key(|p| std::cmp::Reverse(p.count));
        Summary { total, parts }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_orders_by_count_then_judgement_and_drops_zeros() {
        use Judgement::*;
        let mut js = vec![Satisfactory; 8];
        js.extend([Inadequate, Good, Inadequate, Good]);
        let summary = Summary::of(js);
        let parts: Vec<_> = summary.parts.iter().map(|p| (p.judgement, p.count)).collect();
        assert_eq!(summary.total, 12);
        assert_eq!(parts, [(Satisfactory, 8), (Good, 2), (Inadequate, 2)]);
    }
}
