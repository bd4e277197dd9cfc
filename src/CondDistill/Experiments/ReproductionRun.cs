namespace CondDistill.Experiments;

/// <summary>
/// One training run of a reproduction: a method (and CoDi preset) trained from the teacher with the
/// profile's budget. Runs that distil a fine-tuned model name the run they start from.
/// </summary>
/// <param name="Key">Folder and file name of the run, e.g. "codi", "pe-codi", "finetune-controlnet".</param>
/// <param name="Label">Name in tables, e.g. "CoDi", "Fine-tuned ControlNet".</param>
/// <param name="Method">A <see cref="MethodCatalog"/> name.</param>
/// <param name="CodiPreset">For <see cref="MethodCatalog.CoDi"/>: the preset.</param>
/// <param name="ConditionalTeacherRun">For the two-stage methods: the key of the fine-tuning run whose EMA weights they distil.</param>
public sealed record ReproductionRun(string Key, string Label, string Method, string CodiPreset = "paper-defaults", string? ConditionalTeacherRun = null);
