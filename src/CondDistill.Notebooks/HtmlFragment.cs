namespace CondDistill.Notebooks;

/// <summary>
/// A piece of HTML that notebooks display as <c>text/html</c> once <see cref="NotebookDisplay.Register"/>
/// ran. (The library's own type rather than ASP.NET's HtmlString: notebook hosts ship different
/// versions of that assembly, and a compiled reference to a newer one fails to load in them.)
/// </summary>
/// <param name="Html">The markup, shown as is.</param>
public sealed record HtmlFragment(string Html)
{
    /// <inheritdoc/>
    public override string ToString() => Html;
}
