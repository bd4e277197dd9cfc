using CondDistill.Notebooks;

namespace CondDistill.Tests.Notebooks;

public sealed class NotebookProfileTests
{
    [Theory]
    [InlineData(null, "quick")]
    [InlineData("  ", "quick")]
    [InlineData("smoke", "smoke")]
    [InlineData(" FULL ", "full")]
    public void Names_are_normalised_and_blank_means_quick(string? value, string expected) =>
        Assert.Equal(expected, NotebookProfile.Parse(value));

    [Fact]
    public void Unknown_profile_lists_the_allowed_values()
    {
        var error = Assert.Throws<ArgumentException>(() => NotebookProfile.Parse("fast", "CONDISTILL_PROFILE"));
        Assert.Equal("Notebook profile 'fast' (from CONDISTILL_PROFILE) is not recognised: allowed values are smoke, quick, full.", error.Message);
    }

    [Fact]
    public void Choose_picks_the_value_of_the_profile() =>
        Assert.Equal((10, 200, 5000), (NotebookProfile.Choose("smoke", 10, 200, 5000), NotebookProfile.Choose("quick", 10, 200, 5000), NotebookProfile.Choose("full", 10, 200, 5000)));
}
