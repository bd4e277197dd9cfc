namespace CondDistill.Runtime;

/// <summary>The outcome of one environment check.</summary>
/// <param name="Name">Short name of what was checked ("torchsharp", "threads", ...).</param>
/// <param name="Ok">True when nothing needs fixing.</param>
/// <param name="Detail">What was found.</param>
/// <param name="Fix">How to fix it, when not ok.</param>
public sealed record DiagnosisCheck(string Name, bool Ok, string Detail, string? Fix = null);
