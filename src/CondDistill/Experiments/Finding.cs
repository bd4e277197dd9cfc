namespace CondDistill.Experiments;

/// <summary>One of the paper's findings checked against measured rows, by a rule stated in advance.</summary>
/// <param name="Id">F1..F5 (method.md section 5).</param>
/// <param name="Claim">What the paper found.</param>
/// <param name="Rule">The test applied to our numbers.</param>
/// <param name="Verdict">"holds", "does not hold" or "not measured".</param>
/// <param name="Evidence">The numbers the rule used.</param>
public sealed record Finding(string Id, string Claim, string Rule, string Verdict, string Evidence)
{
    /// <summary>Verdict when the rule is satisfied.</summary>
    public const string Holds = "holds";

    /// <summary>Verdict when the rule is not satisfied.</summary>
    public const string DoesNotHold = "does not hold";

    /// <summary>Verdict when a row the rule needs is missing.</summary>
    public const string NotMeasured = "not measured";
}
