namespace CondDistill.Notebooks;

/// <summary>
/// One row of the CoDi paper's super-resolution tables (Mei et al. 2023, arXiv 2310.01407; transcribed
/// in method.md section 5): FID and LPIPS on real images at the paper's scale, and the row of our
/// reproduction table that plays the same part, if any.
/// </summary>
/// <param name="Method">The paper's row name.</param>
/// <param name="Steps">Sampling steps (null when the paper gives none).</param>
/// <param name="Fid">FID on real images, as published.</param>
/// <param name="Lpips">LPIPS, as published.</param>
/// <param name="OurRowKey">The matching <see cref="Experiments.ReproductionRow.Key"/> in our tables, or null when we have no such row.</param>
public sealed record PaperResult(string Method, int? Steps, double Fid, double Lpips, string? OurRowKey);
