using CredentialPortal.Domain.Passwords;
using CredentialPortal.Domain.Settings;

namespace CredentialPortal.Tests.Domain;

public class PasswordPolicyTests
{
    private static readonly SecuritySettings Defaults = new();

    private static string[] Codes(string candidate, string? login = "gabor.toth", SecuritySettings? settings = null,
        PasswordHolder holder = PasswordHolder.PersonWithoutSecondFactor) =>
        PasswordPolicy.Check(settings ?? Defaults, candidate, login, holder).Select(v => v.Code).ToArray();

    [Theory]
    [InlineData(PasswordHolder.PersonWithoutSecondFactor)]
    [InlineData(PasswordHolder.PersonWithSecondFactor)]
    [InlineData(PasswordHolder.MachineUser)]
    public void The_seed_documents_example_is_accepted_under_the_defaults(PasswordHolder holder)
    {
        Assert.Empty(Codes("new plain password", holder: holder)); // 18 characters
    }

    [Fact]
    public void Every_broken_rule_is_reported_at_once_with_a_message()
    {
        var violations = PasswordPolicy.Check(Defaults, "my-Admin-7", "admin", PasswordHolder.PersonWithoutSecondFactor);
        Assert.Equal([PasswordPolicy.TooShort, PasswordPolicy.ContainsLoginName], violations.Select(v => v.Code));
        Assert.All(violations, v => Assert.False(string.IsNullOrWhiteSpace(v.Message)));
        Assert.Contains("15", violations[0].Message);
    }

    [Fact]
    public void The_minimum_length_depends_on_the_second_factor_and_machine_users_keep_theirs()
    {
        Assert.Equal(15, Defaults.PasswordMinLengthWithoutTwoFactor);
        Assert.Equal(12, Defaults.PasswordMinLengthWithTwoFactor);
        const string thirteen = "thirteen char";
        Assert.Equal(13, thirteen.Length);
        var alone = PasswordPolicy.Check(Defaults, thirteen, "gabor.toth", PasswordHolder.PersonWithoutSecondFactor);
        Assert.Equal([PasswordPolicy.TooShort], alone.Select(v => v.Code));
        Assert.Contains("at least 15 characters", alone[0].Message);
        Assert.Empty(Codes(thirteen, holder: PasswordHolder.PersonWithSecondFactor));
        Assert.DoesNotContain(PasswordPolicy.TooShort, Codes("fifteen charact", holder: PasswordHolder.PersonWithoutSecondFactor));
        // Machine users: the minimum they had before the split (now the one with two-factor), 12 by default.
        Assert.Empty(Codes("twelve chars", login: "machine-user-42", holder: PasswordHolder.MachineUser));
        Assert.Contains(PasswordPolicy.TooShort, Codes("eleven char", login: "machine-user-42", holder: PasswordHolder.MachineUser));
        Assert.Equal("At least 15 characters: this account signs in with the password alone.",
            PasswordPolicy.LengthRequirement(Defaults, PasswordHolder.PersonWithoutSecondFactor));
        Assert.StartsWith("At least 12 characters", PasswordPolicy.LengthRequirement(Defaults, PasswordHolder.PersonWithSecondFactor));
    }

    [Fact]
    public void Length_is_bounded_on_both_sides_and_counts_what_people_see()
    {
        Assert.Contains(PasswordPolicy.TooShort, Codes(new string('x', 14)));
        Assert.Contains(PasswordPolicy.TooShort, Codes(new string('x', 11), holder: PasswordHolder.PersonWithSecondFactor));
        Assert.Empty(Codes("correct horse battery staple " + new string('z', 99))); // 128 characters
        Assert.Contains(PasswordPolicy.TooLong, Codes(new string('k', 129) + "j"));
        // Fifteen emoji are fifteen characters, not 30 UTF-16 code units.
        Assert.Contains(PasswordPolicy.TooShort, Codes(string.Concat(Enumerable.Repeat("🔑", 14))));
        Assert.DoesNotContain(PasswordPolicy.TooShort, Codes(string.Concat(Enumerable.Repeat("🔑", 15))));
    }

    [Fact]
    public void The_login_name_is_rejected_in_any_case()
    {
        Assert.Contains(PasswordPolicy.ContainsLoginName, Codes("my-GABOR.TOTH-secret-2026"));
        Assert.DoesNotContain(PasswordPolicy.ContainsLoginName, Codes("my-GABOR.TOTH-secret-2026", login: "someone.else"));
    }

    [Theory]
    [InlineData("trustno1trustno1")]   // a common password repeated
    [InlineData("iloveyouiloveyou")]
    [InlineData("QWERTY123456")]
    [InlineData("leavemealone")]
    public void Common_and_breached_passwords_are_rejected(string candidate)
    {
        Assert.Contains(PasswordPolicy.Common, Codes(candidate));
    }

    [Fact]
    public void The_common_password_list_is_a_real_list()
    {
        Assert.True(CommonPasswords.Count >= 10_000, $"only {CommonPasswords.Count} entries");
        Assert.True(CommonPasswords.Contains("P@ssw0rd"), "l33t spellings of common passwords count");
        Assert.False(CommonPasswords.Contains("violet-tractor-umbrella-42"));
    }

    [Fact]
    public void Character_classes_are_off_by_default_and_enforced_when_on()
    {
        Assert.DoesNotContain(PasswordPolicy.TooFewClasses, Codes("only lower case words here"));
        var strict = new SecuritySettings { RequireCharacterClasses = true, MinCharacterClasses = 3 };
        Assert.Contains(PasswordPolicy.TooFewClasses, Codes("only lower case words here", settings: strict));
        Assert.DoesNotContain(PasswordPolicy.TooFewClasses, Codes("Lower Upper and 42 digits", settings: strict));
    }

    [Fact]
    public void A_minimum_strength_score_can_be_required()
    {
        var strong = new SecuritySettings { MinStrengthScore = 4 };
        Assert.Contains(PasswordPolicy.TooWeak, Codes("aaaaaaaaaaaaaaaa", settings: strong));
        Assert.DoesNotContain(PasswordPolicy.TooWeak, Codes("Tr0ub4dor&3-violet-Tractor", settings: strong));
    }

    [Fact]
    public void Generated_passwords_pass_the_default_policy_by_construction()
    {
        for (var i = 0; i < 200; i++)
        {
            var password = PasswordGenerator.Generate();
            Assert.Equal(PasswordGenerator.DefaultLength, password.Length);
            Assert.All(Enum.GetValues<PasswordHolder>(), holder => Assert.Empty(PasswordPolicy.Check(Defaults, password, "machine-user-42", holder)));
            Assert.Equal(4, PasswordPolicy.CharacterClasses(password));
        }
        // The longest minimum, whoever it is for.
        Assert.Equal(64, PasswordGenerator.Generate(new SecuritySettings { PasswordMinLengthWithoutTwoFactor = 64, PasswordMaxLength = 128 }).Length);
    }
}
