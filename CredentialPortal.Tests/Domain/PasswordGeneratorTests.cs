using CredentialPortal.Domain.Passwords;

namespace CredentialPortal.Tests.Domain;

public class PasswordGeneratorTests
{
    [Fact]
    public void Generates_the_default_length_with_every_character_class()
    {
        for (var i = 0; i < 200; i++)
        {
            var password = PasswordGenerator.Generate();

            Assert.Equal(PasswordGenerator.DefaultLength, password.Length);
            Assert.Contains(password, char.IsLower);
            Assert.Contains(password, char.IsUpper);
            Assert.Contains(password, char.IsDigit);
            Assert.Contains(password, c => !char.IsLetterOrDigit(c));
        }
    }

    [Fact]
    public void Never_repeats_itself()
    {
        var passwords = Enumerable.Range(0, 2000).Select(_ => PasswordGenerator.Generate(16)).ToHashSet();
        Assert.Equal(2000, passwords.Count);
    }

    [Fact]
    public void Spreads_characters_over_the_alphabet()
    {
        // A CSPRNG over ~70 symbols: 20,000 characters should use nearly all of them, none dominating.
        var counts = string.Concat(Enumerable.Range(0, 500).Select(_ => PasswordGenerator.Generate(40)))
            .GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(counts.Count >= 60, $"only {counts.Count} distinct characters");
        Assert.True(counts.Values.Max() < 20_000 / 20, "one character dominates");
    }

    [Fact]
    public void Refuses_a_length_that_cannot_hold_every_class()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PasswordGenerator.Generate(3));
    }
}
