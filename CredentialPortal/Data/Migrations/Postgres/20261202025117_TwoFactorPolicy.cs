using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CredentialPortal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class TwoFactorPolicy : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The single minimum length becomes the one with two-factor (machine users keep it too); without two-factor
            // a password is the only factor: at least 15 (NIST SP 800-63B-4), or the chosen minimum if that was longer.
            migrationBuilder.RenameColumn(
                name: "PasswordMinLength",
                table: "SecuritySettings",
                newName: "PasswordMinLengthWithTwoFactor");

            migrationBuilder.AddColumn<int>(
                name: "PasswordMinLengthWithoutTwoFactor",
                table: "SecuritySettings",
                type: "integer",
                nullable: false,
                defaultValue: 15);

            migrationBuilder.Sql("UPDATE \"SecuritySettings\" SET \"PasswordMinLengthWithoutTwoFactor\" = GREATEST(\"PasswordMinLengthWithTwoFactor\", 15);");

            migrationBuilder.AddColumn<string>(
                name: "TwoFactorRequiredRoles",
                table: "SecuritySettings",
                type: "text",
                nullable: false,
                defaultValue: "Administrator, Helpdesk, Auditor");

            migrationBuilder.AddColumn<int>(
                name: "TwoFactorGracePeriodDays",
                table: "SecuritySettings",
                type: "integer",
                nullable: false,
                defaultValue: 7);

            migrationBuilder.AddColumn<bool>(
                name: "TwoFactorEnforcementRecorded",
                table: "AspNetUsers",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTime>(
                name: "TwoFactorRequiredSince",
                table: "AspNetUsers",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "PasswordMinLengthWithoutTwoFactor",
                table: "SecuritySettings");

            migrationBuilder.DropColumn(
                name: "TwoFactorRequiredRoles",
                table: "SecuritySettings");

            migrationBuilder.DropColumn(
                name: "TwoFactorGracePeriodDays",
                table: "SecuritySettings");

            migrationBuilder.DropColumn(
                name: "TwoFactorEnforcementRecorded",
                table: "AspNetUsers");

            migrationBuilder.DropColumn(
                name: "TwoFactorRequiredSince",
                table: "AspNetUsers");

            migrationBuilder.RenameColumn(
                name: "PasswordMinLengthWithTwoFactor",
                table: "SecuritySettings",
                newName: "PasswordMinLength");
        }
    }
}
