package org.ezd.engine;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * HTTP basic authentication for the engine REST API.
 *
 * <p>One technical account (EZD_ENGINE_USER / EZD_ENGINE_PASSWORD) used by the ezd back end
 * and its workers. /actuator/health is open for liveness/readiness probes; everything else
 * needs the account. Stateless: no session cookie, CSRF protection is not needed.
 */
@Configuration
public class SecurityConfig {

  /**
   * Salted SHA-256 compared in constant time, NOT BCrypt: the API is stateless, so every request
   * is authenticated anew, and BCrypt's deliberate ~100 ms per check made each REST call of the
   * workers ten times slower. The hash is never stored anywhere (the password itself comes from
   * the environment and lives in this process), so a slow KDF would protect nothing here.
   */
  @Bean
  PasswordEncoder passwordEncoder() {
    return new SaltedSha256Encoder();
  }

  static final class SaltedSha256Encoder implements PasswordEncoder {
    private final SecureRandom random = new SecureRandom();

    @Override
    public String encode(CharSequence raw) {
      byte[] salt = new byte[16];
      random.nextBytes(salt);
      return HexFormat.of().formatHex(salt) + "$" + HexFormat.of().formatHex(digest(salt, raw));
    }

    @Override
    public boolean matches(CharSequence raw, String encoded) {
      int sep = encoded == null ? -1 : encoded.indexOf('$');
      if (raw == null || sep < 0) {
        return false;
      }
      byte[] salt = HexFormat.of().parseHex(encoded.substring(0, sep));
      byte[] expected = HexFormat.of().parseHex(encoded.substring(sep + 1));
      return MessageDigest.isEqual(expected, digest(salt, raw));
    }

    private static byte[] digest(byte[] salt, CharSequence raw) {
      try {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(salt);
        return sha.digest(raw.toString().getBytes(StandardCharsets.UTF_8));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @Bean
  UserDetailsService engineUsers(
      @Value("${ezd.engine.user}") String user,
      @Value("${ezd.engine.password}") String password,
      PasswordEncoder encoder) {
    if (user.isBlank() || password.isBlank()) {
      throw new IllegalStateException("EZD_ENGINE_USER and EZD_ENGINE_PASSWORD must not be empty");
    }
    return new InMemoryUserDetailsManager(
        User.withUsername(user).password(encoder.encode(password)).roles("ENGINE").build());
  }

  @Bean
  SecurityFilterChain filterChain(HttpSecurity http) throws Exception {
    http.authorizeHttpRequests(
            auth ->
                auth.requestMatchers("/actuator/health", "/actuator/health/**")
                    .permitAll()
                    .requestMatchers("/engine-rest/**")
                    .hasRole("ENGINE")
                    .anyRequest()
                    .denyAll())
        .httpBasic(Customizer.withDefaults())
        .formLogin(form -> form.disable())
        .logout(logout -> logout.disable())
        .csrf(csrf -> csrf.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
    return http.build();
  }
}
